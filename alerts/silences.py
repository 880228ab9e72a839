"""Silences: holding deliveries while one holds, and ending them, logged once each.

An event a silence covers still gets its delivery, `silenced` and folded into the summary of that
silence for that recipient: one pending Delivery due at the silence's end (a unique constraint
keeps it one however many workers fan out at once). The summary is then claimed and sent like any
delivery, so it goes out once, retried on transport errors, with a task deferred to its time and
the sweep as a safety net. A silence that held nothing has no summary and sends nothing.

A silence ends when its time comes or when an admin ends it early. Either way `ended_at` is set by
ONE conditional UPDATE, so however many workers or admins race, the end is logged once.
"""

import datetime as dt

import structlog
from django.db.models import F, QuerySet
from django.db.models.functions import Least
from django.utils import timezone

from .models import AlertRecipient, Delivery, Silence, new_message_id

Status = Delivery.Status

logger = structlog.get_logger(__name__)


def any_between(start: dt.datetime, end: dt.datetime) -> bool:
    """Whether any silence holds at some moment from `start` to `end`: one query lets a batch of
    events that no silence can cover skip the look-up per delivery."""
    return Silence.objects.overlapping(start, end).exists()


def holding(recipient_id: int, kind: str, at: dt.datetime) -> Silence | None:
    """The silence that holds this email, the one ending last when several do."""
    return Silence.objects.covering(recipient_id, kind, at).order_by("-ends_at", "pk").first()


def hold(
    alert, recipient: AlertRecipient, *, window_start: dt.datetime
) -> tuple[Delivery, Delivery | None] | None:
    """A `silenced` delivery folded into its silence's summary, and the summary if new.

    None when no silence holds the event, or when the summary is already on its way (the event
    was fanned out after its silence ended): then it is emailed as usual.
    """
    silence = holding(recipient.pk, alert.kind, alert.occurred_at)
    if silence is None:
        return None
    summary, created = Delivery.objects.get_or_create(
        silence=silence,
        recipient=recipient,
        alert=None,
        defaults={
            "kind": silence.kind,
            "window_start": silence.starts_at,
            "next_attempt_at": silence.ends_at,
            "message_id": new_message_id(),
        },
    )
    pending = Delivery.objects.filter(pk=summary.pk, status=Status.PENDING)
    if not pending.update(folded_count=F("folded_count") + 1):
        return None
    delivery = Delivery.objects.create(
        alert=alert,
        recipient=recipient,
        kind=alert.kind,
        window_start=window_start,
        status=Status.SILENCED,
        digest=summary,
        message_id=new_message_id(),
    )
    return delivery, summary if created else None


def release(silence_ids: list[int], *, now: dt.datetime) -> list[int]:
    """The pending summaries of these silences, made due now; their ids, to send."""
    summaries = Delivery.objects.filter(
        silence_id__in=silence_ids, alert__isnull=True, status=Status.PENDING
    )
    ids = list(summaries.values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids, status=Status.PENDING).update(next_attempt_at=now)
    return ids


def reschedule(silence: Silence) -> list[int]:
    """Its end was moved: its pending summaries follow. Their ids."""
    summaries = Delivery.objects.filter(silence=silence, alert__isnull=True, status=Status.PENDING)
    ids = list(summaries.values_list("pk", flat=True))
    summaries.filter(pk__in=ids).update(next_attempt_at=silence.ends_at)
    return ids


def log_created(silence: Silence) -> None:
    logger.info(
        "silence_created",
        silence_id=silence.pk,
        kind=silence.kind or None,
        recipient_id=silence.recipient_id,
        starts_at=silence.starts_at.astimezone(dt.UTC).isoformat(),
        ends_at=silence.ends_at.astimezone(dt.UTC).isoformat(),
        created_by=silence.created_by_id,
    )


def end_early(silences: QuerySet[Silence], user, *, now: dt.datetime | None = None) -> list[int]:
    """End these silences now (one not begun yet holds nothing); returns those this call ended."""
    now = now or timezone.now()
    ended = []
    for pk in silences.filter(ended_at__isnull=True, ends_at__gt=now).values_list("pk", flat=True):
        if Silence.objects.filter(pk=pk, ended_at__isnull=True, ends_at__gt=now).update(
            ends_at=now, starts_at=Least(F("starts_at"), now), ended_at=now, ended_by=user
        ):
            _log_ended(pk, early=True)
            ended.append(pk)
    return ended


def finish_due(*, now: dt.datetime | None = None) -> list[int]:
    """Mark the silences whose time has come as ended; returns those this call ended."""
    now = now or timezone.now()
    ended = []
    due = Silence.objects.filter(ended_at__isnull=True, ends_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        if Silence.objects.filter(pk=pk, ended_at__isnull=True).update(ended_at=F("ends_at")):
            _log_ended(pk, early=False)
            ended.append(pk)
    return ended


def _log_ended(pk: int, *, early: bool) -> None:
    logger.info("silence_ended", silence_id=pk, early=early)
