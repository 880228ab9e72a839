"""The alerts' emails in the preview registry (core.previews): every kind, from its sample payload.

Samples are unsaved rows: nothing is written to build a preview, and the same rendering code
as the real email's runs on them.
"""

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import previews

from . import kinds
from .models import Alert, AlertRecipient, Delivery, Silence, new_message_id
from .rendering import build_message

GROUP = _("Alerts")
SAMPLE_PAYLOAD = {"first_name": "Ринго", "last_name": "Старр", "user_id": 1, "username": "ringo"}


def sample_payload(kind: kinds.Kind) -> dict:
    return dict(getattr(kind, "sample_payload", None) or SAMPLE_PAYLOAD)


def _recipient() -> AlertRecipient:
    return AlertRecipient(pk=0, email=previews.SAMPLE_ADDRESS)


def kind_email(kind: kinds.Kind, language: str):
    alert = Alert(pk=0, kind=kind.name, occurred_at=timezone.now(), payload=sample_payload(kind))
    delivery = Delivery(
        pk=0, alert=alert, recipient=_recipient(), kind=kind.name, message_id=new_message_id()
    )
    return build_message(delivery, language=language)


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
