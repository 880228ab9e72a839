"""Building an alert's email from its kind's templates: text and HTML, a header-safe subject.

An individual email renders `alerts/<kind>/`; a digest renders the shared `alerts/digest/`,
which includes each event's line from its kind's digest_item.txt / digest_item.html. Nothing
here or in the shared templates reads a kind's payload.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from core.emails import render_email, site_link

from . import kinds
from .models import Alert, Delivery
from .windows import window_bounds

# The provider tag of every alert email, individual or digest.
TAG = "alerts"


def build_message(delivery: Delivery) -> EmailMultiAlternatives:
    """The multipart email of a delivery, with its stored Message-ID on every attempt."""
    if delivery.is_digest:
        template_dir, context = "alerts/digest", _digest_context(delivery)
    else:
        template_dir = kinds.get(delivery.kind).template_dir
        context = alert_context(delivery.alert)
    message = render_email(
        template_dir,
        context,
        from_email=settings.ALERTS_FROM_EMAIL,
        to=[delivery.recipient.email],
        headers={"Message-ID": delivery.message_id},
    )
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


def alert_context(alert: Alert) -> dict:
    """What a kind's templates get: the alert, its payload, its kind, its link in the admin."""
    return {
        "alert": alert,
        "payload": alert.payload,
        "kind": kinds.get(alert.kind),
        "admin_url": site_link(alert.get_admin_path()),
    }


def summary(alert: Alert) -> str:
    """The alert in one line of text, its kind's digest_item.txt (the admin's list)."""
    text_template, _ = kinds.get(alert.kind).digest_item_templates
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(text_template, alert_context(alert))
    return " ".join(text.split())


def _digest_context(delivery: Delivery) -> dict:
    folded = delivery.folded.select_related("alert").order_by("alert__occurred_at", "pk")
    kind = kinds.get(delivery.kind)
    alerts = [item.alert for item in folded]
    text_item, html_item = kind.digest_item_templates
    return {
        "kind": kind,
        "item_txt": text_item,
        "item_html": html_item,
        "alerts": alerts,
        "count": len(alerts),
        "window_start": delivery.window_start,
        "window_end": window_bounds(delivery.window_start)[1],
        "admin_url": site_link(delivery.get_admin_path()),
    }
