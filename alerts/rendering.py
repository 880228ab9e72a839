"""Building an alert's email from its kind's templates: text and HTML, a header-safe subject."""

import datetime as dt
import re
import unicodedata

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.text import Truncator

from . import kinds
from .models import Delivery

SUBJECT_MAX_LENGTH = 150
# The provider tag of every alert email, individual or digest.
TAG = "alerts"
_SPACES = re.compile(r"\s+")


def clean_subject(text: str) -> str:
    """One line whatever the input: control characters and line breaks become single spaces."""
    text = "".join(
        " " if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} else char for char in text
    )
    text = _SPACES.sub(" ", text).strip()
    return Truncator(text).chars(SUBJECT_MAX_LENGTH)


def build_message(delivery: Delivery) -> EmailMultiAlternatives:
    """The multipart email of a delivery, with its stored Message-ID on every attempt."""
    if delivery.is_digest:
        template_dir, context = "alerts/digest", _digest_context(delivery)
    else:
        template_dir = kinds.get(delivery.kind).template_dir
        context = _alert_context(delivery)
    subject = clean_subject(render_to_string(f"{template_dir}/subject.txt", context))
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template_dir}/body.txt", context),
        from_email=settings.ALERTS_FROM_EMAIL,
        to=[delivery.recipient.email],
        headers={"Message-ID": delivery.message_id},
    )
    message.attach_alternative(render_to_string(f"{template_dir}/body.html", context), "text/html")
    # Read by Anymail backends (provider dashboards, tracking webhooks), ignored by the others.
    message.tags = [TAG]
    message.metadata = provider_metadata(delivery)
    return message


def provider_metadata(delivery: Delivery) -> dict[str, str]:
    """What a provider keeps with the message and returns in its webhooks: ids, never content.

    One tag only (Postmark and others accept no more), so the kind travels here; values are text
    because several providers keep nothing else.
    """
    metadata = {"kind": delivery.kind, "delivery_id": str(delivery.pk)}
    if not delivery.is_digest:
        metadata["alert_id"] = str(delivery.alert_id)
    return metadata


def admin_url(path: str) -> str:
    """Absolute link for an email: always SITE_URL, never a request's Host header."""
    return settings.SITE_URL + path


def _alert_context(delivery: Delivery) -> dict:
    alert = delivery.alert
    return {
        "alert": alert,
        "payload": alert.payload,
        "kind": kinds.get(alert.kind),
        "recipient": delivery.recipient,
        "admin_url": admin_url(alert.get_admin_path()),
    }


def _digest_context(delivery: Delivery) -> dict:
    folded = delivery.folded.select_related("alert").order_by("alert__occurred_at", "pk")
    alerts = [item.alert for item in folded]
    return {
        "kind": kinds.get(delivery.kind),
        "alerts": alerts,
        "count": len(alerts),
        "window_start": delivery.window_start,
        "window_end": delivery.window_start + dt.timedelta(seconds=settings.ALERTS_THROTTLE_WINDOW),
        "recipient": delivery.recipient,
        "admin_url": admin_url(delivery.get_admin_path()),
    }
