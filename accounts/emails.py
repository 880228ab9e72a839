"""The account emails: a password reset link, the notice that a password was changed, a
sign-up's confirmation link, and the notice to an address's owner that someone tried to sign up
with it.

Rendered from our templates (core.emails: the site's language, links from SITE_URL) and
sent through the `default` mailer.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.emails import render_email, site_link

from . import confirmation


def send_account_email(user: AbstractBaseUser, templates: str, **context: Any) -> None:
    """Render `templates`/subject.txt, body.txt and body.html for `user` and send them."""
    context = {
        "username": user.get_username(),
        "site_url": settings.SITE_URL,
        "reset_request_url": site_link(reverse("password_reset")),
        **context,
    }
    render_email(templates, context, to=[user.email]).send(using="default")


def send_password_reset(user: AbstractBaseUser) -> None:
    """Make a fresh token and email the link; it expires PASSWORD_RESET_TIMEOUT seconds on."""
    now = timezone.now()
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    send_account_email(
        user,
        "accounts/email/password_reset",
        reset_url=site_link(path),
        now=now,
        expires_at=now + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
    )


def send_password_changed(user: AbstractBaseUser) -> None:
    send_account_email(user, "accounts/email/password_changed", changed_at=timezone.now())


def send_confirmation(user: AbstractBaseUser) -> None:
    """A fresh confirmation link; it expires ACCOUNT_CONFIRMATION_TIMEOUT seconds on."""
    now = timezone.now()
    path = reverse("confirm_address", kwargs={"token": confirmation.make_token(user)})
    send_account_email(
        user,
        "accounts/email/confirm_address",
        confirm_url=site_link(path),
        now=now,
        expires_at=now + dt.timedelta(seconds=settings.ACCOUNT_CONFIRMATION_TIMEOUT),
    )


def send_signup_attempt(user: AbstractBaseUser) -> None:
    """To the owner of an address someone tried to sign up with: how to sign in or reset."""
    send_account_email(user, "accounts/email/signup_attempt", login_url=site_link(reverse("login")))
