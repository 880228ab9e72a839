"""The account emails: a password reset link, the notice that a password was changed, a
sign-up's confirmation link, and the notice to an address's owner that someone tried to sign up
with it.

Rendered from our templates (core.emails: the site's language, links from SITE_URL) and
sent through the `default` mailer.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from core import previews
from core.emails import render_email, site_link

from . import confirmation


def account_email(
    user: AbstractBaseUser, templates: str, *, language: str | None = None, **context: Any
) -> EmailMultiAlternatives:
    """Render `templates`/subject.txt, body.txt and body.html for `user`."""
    context = {
        "username": user.get_username(),
        "site_url": settings.SITE_URL,
        "reset_request_url": site_link(reverse("password_reset")),
        **context,
    }
    return render_email(templates, context, language=language, to=[user.email])


def link_email(
    user: AbstractBaseUser,
    templates: str,
    *,
    lifetime: int,
    language: str | None = None,
    **links: str,
) -> EmailMultiAlternatives:
    """An email whose link works for `lifetime` seconds from now; the email states until when."""
    now = timezone.now()
    expires_at = now + dt.timedelta(seconds=lifetime)
    return account_email(
        user, templates, language=language, now=now, expires_at=expires_at, **links
    )


def password_reset_email(
    user: AbstractBaseUser, token: str, *, language: str | None = None
) -> EmailMultiAlternatives:
    """The link expires PASSWORD_RESET_TIMEOUT seconds from now, which the email states."""
    path = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token},
    )
    return link_email(
        user,
        "accounts/email/password_reset",
        reset_url=site_link(path),
        lifetime=settings.PASSWORD_RESET_TIMEOUT,
        language=language,
    )


def password_changed_email(
    user: AbstractBaseUser, *, language: str | None = None
) -> EmailMultiAlternatives:
    return account_email(
        user, "accounts/email/password_changed", language=language, changed_at=timezone.now()
    )


def send_password_reset(user: AbstractBaseUser) -> None:
    """Make a fresh token and email the link."""
    token = default_token_generator.make_token(user)
    password_reset_email(user, token).send(using="default")


def send_password_changed(user: AbstractBaseUser) -> None:
    password_changed_email(user).send(using="default")


def confirmation_email(
    user: AbstractBaseUser, token: str, *, language: str | None = None
) -> EmailMultiAlternatives:
    """A sign-up's confirmation link; it expires ACCOUNT_CONFIRMATION_TIMEOUT seconds on."""
    path = reverse("confirm_address", kwargs={"token": token})
    return link_email(
        user,
        "accounts/email/confirm_address",
        confirm_url=site_link(path),
        lifetime=settings.ACCOUNT_CONFIRMATION_TIMEOUT,
        language=language,
    )


def signup_attempt_email(
    user: AbstractBaseUser, *, language: str | None = None
) -> EmailMultiAlternatives:
    """To the owner of an address someone tried to sign up with: how to sign in or reset."""
    return account_email(
        user,
        "accounts/email/signup_attempt",
        language=language,
        login_url=site_link(reverse("login")),
    )


def send_confirmation(user: AbstractBaseUser) -> None:
    confirmation_email(user, confirmation.make_token(user)).send(using="default")


def send_signup_attempt(user: AbstractBaseUser) -> None:
    signup_attempt_email(user).send(using="default")


# Previews (/admin/alerts/previews/): sample data only, never a real account or a usable token.
def _sample_user() -> AbstractBaseUser:
    return get_user_model()(pk=0, username="ringo", email=previews.SAMPLE_ADDRESS)


def register_previews() -> None:
    group = _("Account email")
    previews.register(
        "accounts.password_reset",
        _("Password reset"),
        build=lambda language: password_reset_email(
            _sample_user(), "sample-token", language=language
        ),
        group=group,
    )
    previews.register(
        "accounts.password_changed",
        _("Password changed"),
        build=lambda language: password_changed_email(_sample_user(), language=language),
        group=group,
    )
    previews.register(
        "accounts.confirm_address",
        _("Confirm your address"),
        build=lambda language: confirmation_email(
            _sample_user(), "sample-token", language=language
        ),
        group=group,
    )
    previews.register(
        "accounts.signup_attempt",
        _("Someone tried to sign up with your address"),
        build=lambda language: signup_attempt_email(_sample_user(), language=language),
        group=group,
    )
