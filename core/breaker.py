"""The circuit breakers of failover mailers, shared by every process through the database.

A backend that failed EMAIL_FAILOVER_THRESHOLD times in a row is skipped for
EMAIL_FAILOVER_COOLDOWN seconds by every web and worker process, on every machine; after that it
is tried again, and one more failure opens it again at once (the run of failures goes on until
a success ends it). The database, not the cache: the default cache is per process.

The breaker is an optimisation, never a condition for sending: if its rows cannot be read or
written (the database is down), the mail is sent anyway and the error logged.
"""

import datetime as dt
from collections.abc import Iterable

import structlog
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from .models import MailBackendState, MailFailover

logger = structlog.get_logger(__name__)


def failing(mailer: str, backends: Iterable[str]) -> dict[str, MailBackendState]:
    """The backends of `mailer` with a run of failures (open or not): one query."""
    try:
        rows = MailBackendState.objects.filter(
            mailer=mailer, backend__in=list(backends), consecutive_failures__gt=0
        )
        return {row.backend: row for row in rows}
    except DatabaseError as error:
        logger.warning("mail_breaker_unavailable", mailer=mailer, error=type(error).__name__)
        return {}


def is_open(state: MailBackendState | None, now: dt.datetime) -> bool:
    return state is not None and state.open_until is not None and state.open_until > now


def record_failure(mailer: str, backend: str, *, now: dt.datetime | None = None) -> None:
    """One more failure in a row; at the threshold the breaker opens for the cool-down."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            state, _ = MailBackendState.objects.select_for_update().get_or_create(
                mailer=mailer, backend=backend
            )
            state.consecutive_failures += 1
            opens = state.consecutive_failures >= settings.EMAIL_FAILOVER_THRESHOLD
            if opens and not is_open(state, now):
                state.open_until = now + dt.timedelta(seconds=settings.EMAIL_FAILOVER_COOLDOWN)
                logger.warning(
                    "mail_breaker_opened",
                    mailer=mailer,
                    backend=backend,
                    failures=state.consecutive_failures,
                    until=state.open_until.isoformat(),
                )
            state.save(update_fields=["consecutive_failures", "open_until"])
    except DatabaseError as error:
        logger.warning("mail_breaker_unavailable", mailer=mailer, error=type(error).__name__)


def record_success(mailer: str, backend: str) -> None:
    """A send went through: the run of failures ends and the breaker closes."""
    try:
        closed = MailBackendState.objects.filter(
            mailer=mailer, backend=backend, consecutive_failures__gt=0
        ).update(consecutive_failures=0, open_until=None)
    except DatabaseError as error:
        logger.warning("mail_breaker_unavailable", mailer=mailer, error=type(error).__name__)
        return
    if closed:
        logger.info("mail_breaker_closed", mailer=mailer, backend=backend)


def record_failover(mailer: str, from_backend: str, to_backend: str) -> None:
    """Count one message that `to_backend` sent because `from_backend` failed or was skipped."""
    counter = MailFailover.objects.filter(
        mailer=mailer, from_backend=from_backend, to_backend=to_backend
    )
    try:
        if not counter.update(count=F("count") + 1):
            _, created = MailFailover.objects.get_or_create(
                mailer=mailer,
                from_backend=from_backend,
                to_backend=to_backend,
                defaults={"count": 1},
            )
            if not created:
                counter.update(count=F("count") + 1)
    except DatabaseError as error:
        logger.warning("mail_breaker_unavailable", mailer=mailer, error=type(error).__name__)
