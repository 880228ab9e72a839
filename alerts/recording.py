"""Recording an event: the Alert, one Delivery per subscribed recipient, the throttle decision.

Everything happens in one transaction; sending is handed to the task queue once it commits.
"""

import datetime as dt
from email.utils import parseaddr
from functools import partial

import structlog
from django.conf import settings
from django.core.mail import make_msgid
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from . import silences, tasks
from .models import Alert, AlertRecipient, Delivery

logger = structlog.get_logger(__name__)


def user_fields(user) -> dict:
    """Who was signed in, as plain JSON: id and username only, never an email or a secret."""
    if user is None or not user.is_authenticated:
        return {"user_id": None, "username": None}
    return {"user_id": user.pk, "username": user.get_username()}


def record_safely(kind: str, payload: dict) -> Alert | None:
    """Record an event from a receiver; a failure is logged in full for replay, never raised.

    The user who caused the event must still get the normal response, whatever the database does.
    """
    try:
        return record_event(kind, payload)
    except Exception:
        logger.exception("alert_record_failed", kind=kind, payload=payload)
        return None


def record_event(
    kind: str,
    payload: dict,
    *,
    now: dt.datetime | None = None,
    recipients: QuerySet[AlertRecipient] | None = None,
    is_test: bool = False,
) -> Alert:
    """Record one event for its subscribers (or the given recipients) and queue its emails."""
    now = now or timezone.now()
    if recipients is None:
        recipients = AlertRecipient.objects.subscribed_to(kind)
    with transaction.atomic():
        alert = Alert.objects.create(kind=kind, occurred_at=now, payload=payload, is_test=is_test)
        # Lock the recipients: concurrent events for one recipient decide the throttle in turn.
        # (PostgreSQL locks the rows; SQLite takes its write lock up front, IMMEDIATE mode.)
        locked = recipients.select_for_update(of=("self",)).order_by("pk")
        due_now, new_digests, recorded = [], [], 0
        for recipient in locked:
            delivery, digest = _deliver_or_fold(alert, recipient, now)
            recorded += 1
            if delivery.status == Delivery.Status.PENDING:
                due_now.append(delivery.pk)
            if digest is not None:
                new_digests.append(digest)
        if due_now:
            transaction.on_commit(partial(tasks.dispatch, due_now), robust=True)
        for digest in new_digests:
            transaction.on_commit(
                partial(tasks.dispatch_at, [digest.pk], digest.next_attempt_at), robust=True
            )
    logger.info("alert_recorded", alert_id=alert.pk, kind=kind, deliveries=recorded)
    return alert


def window_bounds(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The fixed throttle window, aligned to the epoch, that holds this moment."""
    seconds = settings.ALERTS_THROTTLE_WINDOW
    start = int(moment.timestamp()) // seconds * seconds
    start_at = dt.datetime.fromtimestamp(start, tz=dt.UTC)
    return start_at, start_at + dt.timedelta(seconds=seconds)


def new_message_id() -> str:
    domain = parseaddr(settings.ALERTS_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


def _deliver_or_fold(
    alert: Alert, recipient: AlertRecipient, now: dt.datetime
) -> tuple[Delivery, Delivery | None]:
    """An individual delivery, or one folded into the window's digest when over the limit.

    An event whose window's digest a worker has already claimed (it waited for the lock while
    the window closed) counts in the next window instead, so that no window ever sends more
    than ALERTS_THROTTLE individual emails. Returns the delivery and the digest when this call
    created it (it needs scheduling).
    """
    limit = settings.ALERTS_THROTTLE
    fields = {"alert": alert, "recipient": recipient, "kind": alert.kind}
    held = silences.hold(
        alert, recipient, window_start=window_bounds(now)[0], message_id=new_message_id
    )
    if held is not None:
        return held
    moment = now
    while True:
        start, end = window_bounds(moment)
        if limit <= 0 or _individual_count(recipient, alert.kind, start) < limit:
            delivery = Delivery.objects.create(
                **fields, window_start=start, next_attempt_at=now, message_id=new_message_id()
            )
            return delivery, None
        digest, created = Delivery.objects.get_or_create(
            recipient=recipient,
            kind=alert.kind,
            window_start=start,
            alert=None,
            defaults={"next_attempt_at": end, "message_id": new_message_id()},
        )
        if Delivery.objects.filter(pk=digest.pk, status=Delivery.Status.PENDING).update(
            folded_count=F("folded_count") + 1
        ):
            delivery = Delivery.objects.create(
                **fields,
                window_start=start,
                status=Delivery.Status.DIGESTED,
                digest=digest,
                message_id=new_message_id(),
            )
            return delivery, digest if created else None
        moment = end


def _individual_count(recipient: AlertRecipient, kind: str, window_start: dt.datetime) -> int:
    return (
        Delivery.objects.filter(
            recipient=recipient, kind=kind, window_start=window_start, alert__isnull=False
        )
        .exclude(status__in=[Delivery.Status.DIGESTED, Delivery.Status.SILENCED])
        .count()
    )
