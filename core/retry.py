"""One retry policy for every email we send (alerts and account email).

- `is_transient(error)`: worth another try later: the server or provider could not be reached or
  said "not now" (connection refused or reset, timeouts, SMTP 4xx, provider HTTP 5xx and 429).
  Anything else is permanent and fails the message at once: SMTP 5xx, provider 4xx, a message
  that cannot be built (a template error), an address the backend refuses.
- `reason(error)`: what the server or provider said, for the admin (it may quote an address:
  never log it, log the error's class).
- `backoff(attempt)`: the wait after failed attempt number `attempt`: EMAIL_RETRY_BASE_DELAY
  doubling up to EMAIL_RETRY_MAX_DELAY, shortened by up to EMAIL_RETRY_JITTER (a fraction) so
  that workers that failed together do not all come back in the same second.
- `defer(task, run_after, ...)`: queue a task for later; when the task backend cannot defer
  (the immediate backend of tests, a dummy one) nothing is queued, `task_not_deferred` is logged
  and False returned: a retry never runs at once in a loop. What stays behind is the caller's
  (an alert delivery stays due for the next pass or the sweep; an account email is given up).
"""

import datetime as dt
import random
import smtplib
import ssl

import structlog
from anymail.exceptions import AnymailAPIError, AnymailError
from django.conf import settings
from django.tasks import Task

logger = structlog.get_logger(__name__)

# Provider HTTP statuses that say "later": too many requests (and every 5xx server error).
TRANSIENT_HTTP = {429}
# What talking to a mail server or provider can raise (anything else is a bug of ours).
MAIL_ERRORS = (smtplib.SMTPException, OSError, AnymailError)


def is_transient(error: BaseException) -> bool:
    """True when the same message may well go through on a later try."""
    if isinstance(error, AnymailError):
        status = error.status_code
        if status is not None:
            return status in TRANSIENT_HTTP or status >= 500
        # No HTTP answer: the provider could not be reached (or its SDK failed to talk to it).
        return isinstance(error, AnymailAPIError)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(not _permanent_smtp(code) for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return not _permanent_smtp(error.smtp_code)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPException | ssl.SSLCertVerificationError):
        return False  # e.g. no common authentication method, a certificate we cannot trust
    # Refused, reset, unreachable, timed out, a name that did not resolve (all OSErrors).
    return isinstance(error, OSError)


def _permanent_smtp(code: int) -> bool:
    return 500 <= code < 600


def reason(error: BaseException) -> str:
    """The error's class and what the server or provider answered, for the admin."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        text = "; ".join(
            f"{address}: {code} {_text(message)}"
            for address, (code, message) in error.recipients.items()
        )
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {_text(error.smtp_error)}"
    else:
        text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _text(message: bytes | str) -> str:
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)


def backoff(attempt: int) -> dt.timedelta:
    """The wait after failed attempt number `attempt` (1 for the first): doubling, capped."""
    shortening = settings.EMAIL_RETRY_JITTER * random.random()  # noqa: S311 (not for secrets)
    return dt.timedelta(seconds=_longest_wait(attempt) * (1 - shortening))


def least_backoff(attempt: int) -> dt.timedelta:
    """The shortest wait `backoff(attempt)` can give (its jitter at the full)."""
    return dt.timedelta(seconds=_longest_wait(attempt) * (1 - settings.EMAIL_RETRY_JITTER))


def _longest_wait(attempt: int) -> float:
    exponent = min(max(attempt - 1, 0), 32)
    return min(settings.EMAIL_RETRY_BASE_DELAY * 2**exponent, settings.EMAIL_RETRY_MAX_DELAY)


def defer(task: Task, run_after: dt.datetime, *args, **kwargs) -> bool:
    """Queue `task` to run at `run_after`; False (logged) when the backend cannot defer."""
    if not task.get_backend().supports_defer:
        logger.warning("task_not_deferred", task=task.name, run_after=run_after.isoformat())
        return False
    task.using(run_after=run_after).enqueue(*args, **kwargs)
    return True
