"""The account emails: a password reset link, and the notice that a password was changed.

Rendered from our templates in the site's default language (the worker has no request to take a
language from) and sent through the `default` mailer. Every link starts with settings.SITE_URL,
never with a request's Host header.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def site_link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send_account_email(user: AbstractBaseUser, templates: str, **context: Any) -> None:
    """Render `templates`/subject.txt, body.txt and body.html for `user` and send them."""
    context = {
        "username": user.get_username(),
        "site_url": settings.SITE_URL,
        "reset_request_url": site_link(reverse("password_reset")),
        **context,
    }
    with translation.override(settings.LANGUAGE_CODE):
        # A subject is one header line whatever the template holds.
        subject = " ".join(render_to_string(f"{templates}/subject.txt", context).split())
        text = render_to_string(f"{templates}/body.txt", context)
        html = render_to_string(f"{templates}/body.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send(using="default")


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
