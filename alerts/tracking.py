"""What a provider's tracking webhook tells us about alert email: delivered, bounced, complained.

Anymail normalizes every provider's webhook into an `AnymailTrackingEvent`. Only events about
our own deliveries count (found by the `delivery_id` metadata the message carried, or by the
provider's message id); account email sent through the same provider is left alone.
"""

import structlog
from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from django.utils import timezone
from django.utils.translation import gettext

from core.masking import mask_email

from .models import AlertRecipient, Delivery

logger = structlog.get_logger(__name__)

# Provider bounce types that Anymail reports as "bounced" but that are temporary.
TEMPORARY_BOUNCES = {"SoftBounce"}  # Postmark
# "rejected" by the provider itself for these reasons: the address will not work again.
PERMANENT_REJECTIONS = {RejectReason.BOUNCED, RejectReason.INVALID}


def handle_tracking_event(event: AnymailTrackingEvent) -> None:
    """Confirm a delivered alert email; stop sending to an address that bounced or complained."""
    delivery = find_delivery(event)
    if delivery is None:
        return
    if event.event_type == EventType.DELIVERED:
        confirmed = Delivery.objects.filter(pk=delivery.pk, confirmed_at__isnull=True).update(
            confirmed_at=event.timestamp or timezone.now()
        )
        if confirmed:
            logger.info("delivery_confirmed", alert_id=delivery.alert_id, delivery_id=delivery.pk)
    elif event.event_type == EventType.COMPLAINED:
        deactivate_recipient(delivery, gettext("Marked an alert email as spam."))
    elif is_permanent_failure(event):
        reason = gettext("The address bounced: %(details)s") % {
            "details": event.description or event.mta_response or event.event_type
        }
        deactivate_recipient(delivery, reason)


def is_permanent_failure(event: AnymailTrackingEvent) -> bool:
    """A hard bounce, or the provider refusing the address for good (a temporary one is not)."""
    if event.event_type == EventType.BOUNCED:
        esp_type = event.esp_event.get("Type") if isinstance(event.esp_event, dict) else None
        return esp_type not in TEMPORARY_BOUNCES
    return event.event_type == EventType.REJECTED and event.reject_reason in PERMANENT_REJECTIONS


def find_delivery(event: AnymailTrackingEvent) -> Delivery | None:
    """The delivery the event is about: by the metadata we sent, else by provider message id."""
    deliveries = Delivery.objects.select_related("recipient")
    delivery_id = str((event.metadata or {}).get("delivery_id", ""))
    if delivery_id.isdigit():
        delivery = deliveries.filter(pk=int(delivery_id)).first()
        if delivery is not None:
            return delivery
    if event.message_id:
        return deliveries.filter(provider_message_id=event.message_id).first()
    return None


def deactivate_recipient(delivery: Delivery, reason: str) -> None:
    active = AlertRecipient.objects.filter(pk=delivery.recipient_id, is_active=True)
    if not active.deactivate(reason):
        return
    logger.warning(
        "recipient_deactivated",
        recipient_id=delivery.recipient_id,
        email=mask_email(delivery.recipient.email),
        delivery_id=delivery.pk,
        reason=reason,
    )
