"""Templated email, shared by the apps: `subject.txt`, `body.txt` and `body.html` into one message.

Rendered in the site's default language: a worker has no request to take a language from, and an
email sent inside a request must not depend on who made it (previews name another language).
Links start with settings.SITE_URL, never with a request's Host header.
"""

import re
import unicodedata
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import Truncator

SUBJECT_MAX_LENGTH = 150
_SPACES = re.compile(r"\s+")


def site_link(path: str) -> str:
    """Absolute link for an email."""
    return f"{settings.SITE_URL}{path}"


def clean_subject(text: str) -> str:
    """One line whatever the input: control characters and line breaks become single spaces."""
    text = "".join(
        " " if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} else char for char in text
    )
    text = _SPACES.sub(" ", text).strip()
    return Truncator(text).chars(SUBJECT_MAX_LENGTH)


def render_email(
    template_dir: str, context: dict[str, Any], *, language: str | None = None, **message: Any
) -> EmailMultiAlternatives:
    """The multipart (text + HTML) email of `template_dir`; `message` gives to, headers..."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = clean_subject(render_to_string(f"{template_dir}/subject.txt", context))
        text = render_to_string(f"{template_dir}/body.txt", context)
        html = render_to_string(f"{template_dir}/body.html", context)
    email = EmailMultiAlternatives(subject, text, **message)
    email.attach_alternative(html, "text/html")
    return email
