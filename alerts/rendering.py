"""Building an alert's email from its kind's templates: text and HTML, a header-safe subject.

An individual email renders `alerts/<kind>/`; a digest renders the shared `alerts/digest/`,
which includes each event's line from its kind's digest_item.txt / digest_item.html. Nothing
here or in the shared templates reads a kind's payload.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Max, Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from core.emails import render_email, site_link

from . import kinds, unsubscribe
from .models import Alert, Delivery
from .windows import window_bounds

# The provider tag of every alert email, individual or digest.
TAG = "alerts"
DIGEST_TEMPLATES = "alerts/digest"
SUMMARY_TEMPLATES = "alerts/silence_summary"


def build_message(delivery: Delivery, *, language: str | None = None) -> EmailMultiAlternatives:
    """The multipart email of a delivery, with its stored Message-ID on every attempt.

    In the site's language, unless a preview asks for another one.
    """
    if delivery.is_summary:
        template_dir, context = SUMMARY_TEMPLATES, silence_summary_context(delivery)
    elif delivery.is_digest:
        template_dir, context = DIGEST_TEMPLATES, _digest_context(delivery)
    else:
        template_dir = kinds.get(delivery.kind).template_dir
        context = alert_context(delivery.alert)
    # An email of a kind unsubscribes its recipient from that kind in one click (RFC 8058).
    unsubscribe_url = unsubscribe.link_for_kind(delivery.recipient_id, delivery.kind)
    message = alert_email(
        template_dir,
        {**context, "unsubscribe_url": unsubscribe_url},
        to=delivery.recipient.email,
        language=language,
        headers={"Message-ID": delivery.message_id, **unsubscribe.headers(unsubscribe_url)},
    )
    message.metadata = provider_metadata(delivery)
    return message


def alert_email(
    template_dir: str, context: dict, *, to: str, language: str | None = None, **message
) -> EmailMultiAlternatives:
    """An alert email of these templates, from the alerts' sender, with the provider tag."""
    email = render_email(
        template_dir,
        context,
        language=language,
        from_email=settings.ALERTS_FROM_EMAIL,
        to=[to],
        **message,
    )
    # Read by Anymail backends (provider dashboards, tracking webhooks), ignored by the others.
    email.tags = [TAG]
    return email


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
    return digest_context(
        kinds.get(delivery.kind),
        [item.alert for item in folded],
        delivery.window_start,
        site_link(delivery.get_admin_path()),
    )


def digest_context(
    kind: kinds.Kind, alerts: list[Alert], window_start: dt.datetime, admin_url: str
) -> dict:
    text_item, html_item = kind.digest_item_templates
    return {
        "kind": kind,
        "item_txt": text_item,
        "item_html": html_item,
        "alerts": alerts,
        "count": len(alerts),
        "window_start": window_start,
        "window_end": window_bounds(window_start)[1],
        "admin_url": admin_url,
    }


def silence_summary_context(delivery: Delivery) -> dict:
    """What a silence held for this recipient: a count, the first and last time, per kind."""
    rows = (
        delivery.folded.order_by()
        .values("kind")
        .annotate(
            count=Count("pk"), first=Min("alert__occurred_at"), last=Max("alert__occurred_at")
        )
        .order_by("kind")
    )
    query = urlencode({"deliveries__digest__id__exact": delivery.pk})
    list_url = site_link(f"{reverse('admin:alerts_alert_changelist')}?{query}")
    return summary_context(delivery.silence, list(rows), list_url)


def summary_context(silence, rows: list[dict], list_url: str) -> dict:
    """`rows`: per kind, its name, count, first and last time."""
    per_kind = [{**row, "label": kinds.get(row["kind"]).label} for row in rows]
    return {
        "silence": silence,
        "kinds": per_kind,
        "total": sum(row["count"] for row in per_kind),
        "list_url": list_url,
    }
