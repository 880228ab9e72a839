"""Fan-out: alerts not yet fanned out become deliveries, one per recipient of the kind's audience.

Run by the worker at the start of every send pass (and by the sweep), never on the request path:
recording writes the Alert row only (the outbox). A batch of alerts is fanned out in one
transaction that also stamps their `fanned_out_at`, so an alert is fanned out exactly once even
with several workers (PostgreSQL: its row is locked, SKIP LOCKED lets other workers take other
alerts; SQLite: the transaction holds the write lock, IMMEDIATE mode), and a worker that dies
half-way leaves its alerts for the next pass.

The throttle decision is made here under a lock on each recipient, in turn for concurrent
workers: at most ALERTS_THROTTLE individual emails per recipient, kind and window; the rest fold
into the window's digest. An event a silence holds is `silenced` instead (alerts.silences): it
is folded into the silence's summary and counts toward no throttle.
"""

import datetime as dt
from dataclasses import dataclass, field

import structlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from core import task_logs

from . import kinds, silences
from .models import Alert, AlertRecipient, Delivery, new_message_id
from .windows import window_bounds

logger = structlog.get_logger(__name__)

Status = Delivery.Status


@dataclass
class FanOutResult:
    due: list[int] = field(default_factory=list)  # individual deliveries to send now
    digests: list[Delivery] = field(default_factory=list)  # new digests, due when their window ends
    alerts: int = 0

    def merge(self, other: "FanOutResult") -> None:
        self.due += other.due
        self.digests += other.digests
        self.alerts += other.alerts


def fan_out(*, now: dt.datetime | None = None) -> FanOutResult:
    """Fan out the alerts waiting in the outbox when the pass began, a batch per transaction.

    Alerts recorded meanwhile wait for the next pass (each queued one), so that a storm of new
    events never keeps a pass from sending.
    """
    total = FanOutResult()
    waiting = Alert.objects.filter(fanned_out_at__isnull=True)
    last = waiting.aggregate(last=Max("pk"))["last"]
    while last is not None:
        result = fan_out_batch(now=now, up_to=last)
        if not result.alerts:
            break
        total.merge(result)
    return total


def fan_out_batch(*, now: dt.datetime | None = None, up_to: int | None = None) -> FanOutResult:
    """Fan out up to ALERTS_BATCH_SIZE waiting alerts (ids up to `up_to`), oldest first, in one
    transaction.

    Each alert counts in the throttle window of the moment it occurred, however late the pass.
    """
    result = FanOutResult()
    fanned: list[tuple[Alert, int]] = []  # logged once committed: no log line holds the lock
    with transaction.atomic():
        waiting = Alert.objects.filter(fanned_out_at__isnull=True).order_by("pk")
        if up_to is not None:
            waiting = waiting.filter(pk__lte=up_to)
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True)
        alerts = list(waiting[: settings.ALERTS_BATCH_SIZE].prefetch_related("addressed_to"))
        if not alerts:
            return result
        audiences = _audiences(alerts)
        # Lock every recipient of the batch at once, in one order: concurrent workers decide
        # the throttle of a recipient in turn and never wait on each other in a circle.
        everyone = {pk for pks in audiences.values() for pk in pks}
        locked = AlertRecipient.objects.filter(pk__in=everyone).select_for_update().order_by("pk")
        recipients = {recipient.pk: recipient for recipient in locked}
        moments = [alert.occurred_at for alert in alerts]
        may_hold = silences.any_between(min(moments), max(moments))
        unthrottled: list[Delivery] = []  # plain individual emails, written in one INSERT
        for alert in alerts:
            with task_logs.for_request(alert.request_id):
                for recipient in filter(None, map(recipients.get, audiences[alert.pk])):
                    if not may_hold and _throttle_limit(alert) <= 0:
                        unthrottled.append(_individual(alert, recipient))
                        continue
                    delivery, digest = _deliver_or_fold(alert, recipient)
                    if delivery.status == Status.PENDING:
                        result.due.append(delivery.pk)
                    if digest is not None:
                        result.digests.append(digest)
            fanned.append((alert, len(audiences[alert.pk])))
        result.due += [delivery.pk for delivery in Delivery.objects.bulk_create(unthrottled)]
        Alert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(
            fanned_out_at=now or timezone.now()
        )
        result.alerts = len(alerts)
    for alert, deliveries in fanned:
        with task_logs.for_request(alert.request_id):
            logger.info("alert_fanned_out", alert_id=alert.pk, deliveries=deliveries)
    return result


def _audiences(alerts: list[Alert]) -> dict[int, list[int]]:
    """Alert → ids of its active recipients: its addressees if given, else its kind's audience."""
    subscribers: dict[str, list[int]] = {}
    audiences = {}
    for alert in alerts:
        addressed = list(alert.addressed_to.all())
        try:
            audience = kinds.get(alert.kind).audience
        except KeyError:
            # Its kind was removed from the code: keep the alert, but it goes to no one.
            logger.error("alert_kind_unknown", alert_id=alert.pk, kind=alert.kind)
            audiences[alert.pk] = []
            continue
        if addressed:
            pks = sorted(recipient.pk for recipient in addressed if recipient.is_active)
        elif isinstance(audience, kinds.EventUser):
            recipient = user_recipient(alert.payload.get(audience.field))
            pks = [] if recipient is None or not recipient.is_active else [recipient.pk]
        else:
            if alert.kind not in subscribers:
                subscribed = AlertRecipient.objects.subscribed_to(alert.kind).order_by("pk")
                subscribers[alert.kind] = list(subscribed.values_list("pk", flat=True))
            pks = subscribers[alert.kind]
        audiences[alert.pk] = pks
    return audiences


def test_alert_targets(
    kind: kinds.Kind, selected: QuerySet[AlertRecipient]
) -> QuerySet[AlertRecipient]:
    """Who among the admin's selection gets a test alert of `kind`: who could get a real one."""
    if isinstance(kind.audience, kinds.EventUser):
        return selected.filter(is_active=True, user__isnull=False)
    return selected.subscribed_to(kind.name)


def user_recipient(user_id) -> AlertRecipient | None:
    """The recipient row of an active user with an address, made on first use, email in sync.

    An admin-managed recipient with the same address (and no user yet) becomes the user's: one
    address, one row, one throttle. A new address starts afresh: a row deactivated for a bounce
    of the old one is active again. Returns None for an unknown or inactive user.
    """
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    email = getattr(user, "email", "") if user is not None else ""
    if not email:
        return None
    recipient = AlertRecipient.objects.filter(user=user).first()
    if recipient is None:
        recipient = AlertRecipient.objects.filter(email__iexact=email, user__isnull=True).first()
    if recipient is None:
        try:
            with transaction.atomic():
                return AlertRecipient.objects.create(
                    user=user, email=email, name=user.get_username()
                )
        except IntegrityError:  # another worker made it in the meantime
            return AlertRecipient.objects.filter(user=user).first()
    if recipient.user_id == user.pk and recipient.email == email:
        return recipient
    changes = {"user": user, "email": email}
    if recipient.email.lower() != email.lower():
        changes.update(is_active=True, deactivated_at=None, deactivation_reason="")
    try:
        with transaction.atomic():
            AlertRecipient.objects.filter(pk=recipient.pk).update(**changes)
    except IntegrityError:
        # The user's new address belongs to another recipient row: keep the old one for now.
        logger.warning("alert_recipient_address_taken", recipient_id=recipient.pk, user_id=user.pk)
    recipient.refresh_from_db()
    return recipient


def _deliver_or_fold(alert: Alert, recipient: AlertRecipient) -> tuple[Delivery, Delivery | None]:
    """An individual delivery, or one folded into the window's digest when over the limit.

    An event whose window's digest a worker has already claimed (it waited for the lock while
    the window closed) counts in the next window instead, so that no window ever sends more
    than ALERTS_THROTTLE individual emails. Returns the delivery and the digest when this call
    created it (it needs scheduling).
    """
    limit = _throttle_limit(alert)
    fields = {"alert": alert, "recipient": recipient, "kind": alert.kind}
    moment = alert.occurred_at
    held = silences.hold(alert, recipient, window_start=window_bounds(moment)[0])
    if held is not None:
        return held
    while True:
        start, end = window_bounds(moment)
        if limit <= 0 or _individual_count(recipient, alert.kind, start) < limit:
            delivery = _individual(alert, recipient, window_start=start)
            delivery.save(force_insert=True)
            return delivery, None
        digest, created = Delivery.objects.get_or_create(
            recipient=recipient,
            kind=alert.kind,
            window_start=start,
            alert=None,
            defaults={"next_attempt_at": end, "message_id": new_message_id()},
        )
        if Delivery.objects.filter(pk=digest.pk, status=Status.PENDING).update(
            folded_count=F("folded_count") + 1
        ):
            delivery = Delivery.objects.create(
                **fields,
                window_start=start,
                status=Status.DIGESTED,
                digest=digest,
                message_id=new_message_id(),
            )
            return delivery, digest if created else None
        moment = end


def _throttle_limit(alert: Alert) -> int:
    """Individual emails per recipient and window for this alert's kind; 0 means no limit."""
    return settings.ALERTS_THROTTLE if kinds.get(alert.kind).throttled else 0


def _individual(
    alert: Alert, recipient: AlertRecipient, *, window_start: dt.datetime | None = None
) -> Delivery:
    """The (unsaved) individual email of this alert to this recipient, due at once."""
    return Delivery(
        alert=alert,
        recipient=recipient,
        kind=alert.kind,
        window_start=window_start or window_bounds(alert.occurred_at)[0],
        next_attempt_at=alert.occurred_at,
        message_id=new_message_id(),
    )


def _individual_count(recipient: AlertRecipient, kind: str, window_start: dt.datetime) -> int:
    return (
        Delivery.objects.filter(
            recipient=recipient, kind=kind, window_start=window_start, alert__isnull=False
        )
        .exclude(status__in=[Status.DIGESTED, Status.SILENCED])
        .count()
    )
