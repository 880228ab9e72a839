"""The alerts' emails in the preview registry (core.previews): every kind, from its sample payload.

Samples are unsaved rows: nothing is written to build a preview, and the same rendering code
as the real email's runs on them.
"""

import datetime as dt

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import previews
from core.emails import site_link

from . import kinds, rendering
from .models import Alert, AlertRecipient, Delivery, Silence, new_message_id
from .rendering import build_message
from .windows import window_bounds

GROUP = _("Alerts")
SAMPLE_USER = {"user_id": 1, "username": "ringo"}  # who was signed in, in every sample


def sample_payload(kind: kinds.Kind) -> dict:
    return {**SAMPLE_USER, **kind.sample_payload}


def _recipient() -> AlertRecipient:
    return AlertRecipient(pk=0, email=previews.SAMPLE_ADDRESS)


def kind_email(kind: kinds.Kind, language: str):
    alert = Alert(pk=0, kind=kind.name, occurred_at=timezone.now(), payload=sample_payload(kind))
    delivery = Delivery(
        pk=0, alert=alert, recipient=_recipient(), kind=kind.name, message_id=new_message_id()
    )
    return build_message(delivery, language=language)


def _sample_alerts(kind: kinds.Kind, count: int) -> list[Alert]:
    start = window_bounds(timezone.now())[0]
    return [
        Alert(
            pk=0,
            kind=kind.name,
            occurred_at=start + dt.timedelta(seconds=37 * (n + 1)),
            payload=sample_payload(kind),
        )
        for n in range(count)
    ]


def digest_email(kind: kinds.Kind, language: str):
    alerts = _sample_alerts(kind, 3)
    window_start = window_bounds(alerts[0].occurred_at)[0]
    admin_url = site_link(reverse("admin:alerts_delivery_changelist"))
    context = rendering.digest_context(kind, alerts, window_start, admin_url)
    return rendering.alert_email(
        rendering.DIGEST_TEMPLATES, context, to=previews.SAMPLE_ADDRESS, language=language
    )


def summary_email(language: str):
    now = timezone.now()
    silence = Silence(
        pk=0,
        kind="",
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now,
        reason=str(_("Moving the mail server")),
    )
    rows = [
        {"kind": kind.name, "count": 3 + n, "first": silence.starts_at, "last": now}
        for n, kind in enumerate(kinds.all_kinds())
    ]
    list_url = site_link(reverse("admin:alerts_alert_changelist"))
    context = rendering.summary_context(silence, rows, list_url)
    return rendering.alert_email(
        rendering.SUMMARY_TEMPLATES, context, to=previews.SAMPLE_ADDRESS, language=language
    )


def register() -> None:
    """Called from AlertsConfig.ready(), once every kind is registered."""
    for kind in kinds.all_kinds():
        previews.register(
            f"alerts.{kind.name}",
            kind.label,
            build=lambda language, kind=kind: kind_email(kind, language),
            group=GROUP,
            mailer="alerts",
        )
    for kind in kinds.all_kinds():
        if kind.throttled:
            previews.register(
                f"alerts.digest.{kind.name}",
                _("Digest: %(kind)s") % {"kind": kind.label},
                build=lambda language, kind=kind: digest_email(kind, language),
                group=GROUP,
                mailer="alerts",
            )
    previews.register(
        "alerts.silence_summary",
        _("Silence summary"),
        build=summary_email,
        group=GROUP,
        mailer="alerts",
    )


def extra_for(preview: previews.Preview) -> dict:
    """A kind's preview is its page in the admin: the silences that hold it, and how to add one."""
    name = preview.key.removeprefix("alerts.")
    if not preview.key.startswith("alerts.") or name not in {k.name for k in kinds.all_kinds()}:
        return {}
    held = Silence.objects.active().filter(kind__in=[name, ""]).select_related("recipient")
    return {"kind": name, "silences": list(held)}


def alert_email(alert: Alert) -> tuple[EmailMultiAlternatives, Delivery | None]:
    """The email the alert's first delivery sent (its digest's, when it was folded into one).

    Rendered again from the stored alert by the same code; an alert with no delivery shows the
    email its recipients would have got.
    """
    delivery = alert.deliveries.select_related("recipient", "digest__recipient").first()
    if delivery is None:
        delivery = Delivery(
            pk=0, alert=alert, recipient=_recipient(), kind=alert.kind, message_id=new_message_id()
        )
        return build_message(delivery), None
    shown = delivery.digest if delivery.digest_id else delivery
    return build_message(shown), shown
