"""Account email, sent off the request path by the task worker.

Only a user id travels through the queue: the worker reads the address and makes the token
itself, so neither is ever stored in the task table.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.tasks import task

from . import emails


def _active_user(user_id: int) -> AbstractBaseUser | None:
    return get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()


@task
def send_password_reset_email(user_id: int | None) -> None:
    """Email a reset link, if the account may still have one.

    The view enqueues None for an address with no such account, so that a known and an unknown
    address cost the request the same; the account is checked again here, as it may have changed.
    """
    if user_id is None:
        return
    user = _active_user(user_id)
    if user is not None and user.has_usable_password():
        emails.send_password_reset(user)


@task
def send_password_changed_email(user_id: int) -> None:
    """Tell the owner their password changed, so that a change they did not make stands out."""
    if (user := _active_user(user_id)) is not None:
        emails.send_password_changed(user)
