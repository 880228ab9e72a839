"""Account email, sent off the request path by the task worker.

Only a user id (and the attempt number) travels through the queue: the worker reads the address
and makes the token itself, so neither is ever stored in the task table. A transient error
queues the task again for later, a permanent one is logged and dropped (`accounts.retry`).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.tasks import task

from . import emails, retry


def _active_user(user_id: int) -> AbstractBaseUser | None:
    return get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()


@task
def send_password_reset_email(user_id: int | None, *, attempt: int = 1) -> None:
    """Email a reset link, if the account may still have one.

    The view enqueues None for an address with no such account, so that a known and an unknown
    address cost the request the same; the account is checked again here, as it may have changed.
    Each attempt makes a fresh link, and none is tried after a link's lifetime from the first:
    by then the user has asked again or given up.
    """
    if user_id is None:
        return
    user = _active_user(user_id)
    if user is not None and user.has_usable_password():
        retry.send_or_retry(
            send_password_reset_email,
            user,
            attempt,
            emails.send_password_reset,
            give_up_after=dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
        )


@task
def send_password_changed_email(user_id: int, *, attempt: int = 1) -> None:
    """Tell the owner their password changed, so that a change they did not make stands out."""
    if (user := _active_user(user_id)) is not None:
        retry.send_or_retry(
            send_password_changed_email, user, attempt, emails.send_password_changed
        )


@task
def send_confirmation_email(user_id: int | None, *, attempt: int = 1) -> None:
    """Email a fresh confirmation link to an account still waiting for one.

    None (an address with no unconfirmed account: a resend request) costs the request the same.
    """
    if user_id is None:
        return
    user = _active_user(user_id)
    if user is not None and not user.email_confirmed:
        retry.send_or_retry(
            send_confirmation_email,
            user,
            attempt,
            emails.send_confirmation,
            give_up_after=dt.timedelta(seconds=settings.ACCOUNT_CONFIRMATION_TIMEOUT),
        )


@task
def send_signup_attempt_email(user_id: int, *, attempt: int = 1) -> None:
    """Tell an address's owner that someone tried to sign up with it (`RegistrationView`)."""
    if (user := _active_user(user_id)) is not None:
        retry.send_or_retry(send_signup_attempt_email, user, attempt, emails.send_signup_attempt)
