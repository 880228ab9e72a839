"""Account email the mail server or provider failed to take: tried again a little later.

The policy is the project's one (core.retry): a transient error (server unreachable, SMTP 4xx,
provider 5xx or 429) queues the task again as a deferred task with the next attempt number after
`core.retry.backoff`, so the task's arguments stay the user id and that number: no address or
token is ever queued. A permanent error (SMTP 5xx, provider 4xx) is not retried. After
ACCOUNT_EMAIL_MAX_ATTEMPTS attempts (or past `give_up_after`), on a permanent error, or when the
task backend cannot defer, the email is dropped and `account_email_failed` logged.
"""

import datetime as dt
from collections.abc import Callable

import structlog
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.tasks import Task
from django.utils import timezone

from core import retry
from core.masking import mask_email

logger = structlog.get_logger(__name__)


def due_after_first(attempt: int) -> dt.timedelta:
    """How long after the first attempt attempt number `attempt` is due, at the least: the
    shortest waits before it (a busy worker runs a task at its time or later, never earlier).
    It spares the queue a timestamp argument."""
    return sum((retry.least_backoff(n) for n in range(1, attempt)), dt.timedelta())


def send_or_retry(
    task: Task,
    user: AbstractBaseUser,
    attempt: int,
    send: Callable[[AbstractBaseUser], None],
    *,
    give_up_after: dt.timedelta | None = None,
) -> None:
    """`send(user)`; on a transient error queue attempt + 1 of `task`, or give up and log it.

    Never raises a mail error: its text may quote the address, so only its class is logged.
    """
    try:
        send(user)
    except retry.MAIL_ERRORS as error:
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
    if not retry.is_transient(error):
        logger.error("account_email_failed", permanent=True, **fields)
        return
    if next_attempt > settings.ACCOUNT_EMAIL_MAX_ATTEMPTS or too_late:
        logger.error("account_email_failed", **fields)
        return
    run_after = timezone.now() + retry.backoff(attempt)
    if retry.defer(task, run_after, user.pk, attempt=next_attempt):
        logger.warning("account_email_retry", next_try=run_after.isoformat(), **fields)
    else:
        logger.error("account_email_failed", **fields)
