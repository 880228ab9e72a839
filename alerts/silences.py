"""Silences: starting and ending them, logged once each.

A silence ends when its time comes or when an admin ends it early. Either way `ended_at` is set by
ONE conditional UPDATE, so however many workers or admins race, the end is logged once and its
summaries are released once.
"""

import datetime as dt

import structlog
from django.db.models import F, QuerySet
from django.db.models.functions import Least
from django.utils import timezone

from .models import Silence

logger = structlog.get_logger(__name__)


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
