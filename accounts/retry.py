"""Account email the mail server or provider failed to take: tried again a little later.

A failed attempt queues its own task again as a deferred task with the next attempt number, so
the task's arguments stay the user id and that number: no address or token is ever queued. The
waits double from ACCOUNT_EMAIL_RETRY_BASE_DELAY up to MAX_DELAY, as someone is waiting for the
email; after ACCOUNT_EMAIL_MAX_ATTEMPTS attempts (or past `give_up_after`) the email is dropped
and `account_email_failed` logged.
"""

import datetime as dt
import smtplib
from collections.abc import Callable

import structlog
from anymail.exceptions import AnymailAPIError
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.tasks import Task
from django.utils import timezone

from core.masking import mask_email

logger = structlog.get_logger(__name__)

# Failures that may pass: the server or provider refused for now, or could not be reached.
# (SMTPException and ConnectionError are OSErrors; AnymailRequestsAPIError is an AnymailAPIError.)
TRANSPORT_ERRORS = (smtplib.SMTPException, OSError, AnymailAPIError)
MAX_DELAY = dt.timedelta(minutes=10)


def retry_delay(attempt: int) -> dt.timedelta:
    """The wait after failed attempt number `attempt`: the base delay after the first, doubling."""
    seconds = settings.ACCOUNT_EMAIL_RETRY_BASE_DELAY * 2 ** (attempt - 1)
    return dt.timedelta(seconds=min(seconds, MAX_DELAY.total_seconds()))


def due_after_first(attempt: int) -> dt.timedelta:
    """How long after the first attempt attempt number `attempt` is due: the waits before it.

    A busy worker runs a task at its time or later, never earlier, so this is the least time
    that has passed; it spares the queue a timestamp argument.
    """
    return sum((retry_delay(n) for n in range(1, attempt)), dt.timedelta())


def send_or_retry(
    task: Task,
    user: AbstractBaseUser,
    attempt: int,
    send: Callable[[AbstractBaseUser], None],
    *,
    give_up_after: dt.timedelta | None = None,
) -> None:
    """`send(user)`; on a transport error queue attempt + 1 of `task`, or give up and log it.

    Never raises a transport error: its text may quote the address, so only its class is logged.
    """
    try:
        send(user)
    except TRANSPORT_ERRORS as error:
        _after_failure(task, user, attempt, error, give_up_after)


def _after_failure(
    task: Task,
    user: AbstractBaseUser,
    attempt: int,
    error: Exception,
    give_up_after: dt.timedelta | None,
) -> None:
    fields = {
        "task": task.name,
        "user_id": user.pk,
        "email": mask_email(user.email),
        "attempt": attempt,
        "error": type(error).__name__,
    }
    next_attempt = attempt + 1
    too_late = give_up_after is not None and due_after_first(next_attempt) > give_up_after
    if next_attempt > settings.ACCOUNT_EMAIL_MAX_ATTEMPTS or too_late:
        logger.error("account_email_failed", **fields)
    elif not task.get_backend().supports_defer:
        # E.g. the immediate backend of tests: a retry would run at once, in a loop.
        logger.error("account_email_retry_not_deferred", **fields)
    else:
        run_after = timezone.now() + retry_delay(attempt)
        task.using(run_after=run_after).enqueue(user.pk, attempt=next_attempt)
        logger.warning("account_email_retry", next_try=run_after.isoformat(), **fields)
