"""Sending deliveries: claim atomically, send batches over the pass's connections, back off, sweep.

Each outcome follows the one retry policy (core.retry): a transient error is tried again after
a backoff, up to ALERTS_MAX_ATTEMPTS; a permanent one (SMTP 5xx, provider 4xx, a message that
cannot be rendered) fails that delivery at once with the server's reason in `last_error`. Either
way the rest of the batch goes on.

A worker claims deliveries with a conditional UPDATE (pending → sending, stamped with its own
token), so two workers never send the same one. While it sends the batch it renews the claim's
lease (`Lease`), so a live worker's claim never expires however long the batch takes. A worker
killed mid-batch leaves its claims in `sending`; once their lease (ALERTS_CLAIM_TIMEOUT) has
expired, `release_expired_claims` puts them back to pending. Delivery is at least once: a message
may repeat after a crash, always with the same Message-ID.
"""

import datetime as dt
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import structlog
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, CharField, F, Min, QuerySet, Value, When
from django.utils import timezone

from core import retry, task_logs
from core.failover import sent_by

from . import sending
from .models import Delivery
from .rendering import build_message

logger = structlog.get_logger(__name__)

Status = Delivery.Status


@dataclass
class BatchResult:
    sent: list[int] = field(default_factory=list)
    # When to try again → which deliveries.
    retry: dict[dt.datetime, list[int]] = field(default_factory=lambda: defaultdict(list))

    def merge(self, other: "BatchResult") -> None:
        self.sent += other.sent
        for when, ids in other.retry.items():
            self.retry[when] += ids


def claim(ids: Iterable[int] | None = None, *, now: dt.datetime) -> tuple[str, list[Delivery]]:
    """Claim due pending deliveries (all due ones, or among `ids`) for this worker only."""
    token = uuid.uuid4().hex
    due = Delivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        batch = due.order_by("next_attempt_at", "pk")[: settings.ALERTS_BATCH_SIZE]
        candidates = list(batch.values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=candidates, status=Status.PENDING).update(
            status=Status.SENDING,
            claimed_by=token,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    claimed = Delivery.objects.filter(claimed_by=token, status=Status.SENDING)
    return token, list(claimed.select_related("alert", "recipient").order_by("pk"))


class Lease:
    """A batch's claim, renewed while the batch is sent: a live worker's claim never expires.

    Every third of ALERTS_CLAIM_TIMEOUT (checked before each message) one UPDATE moves
    `claimed_at` of every delivery still claimed under the token, so it works the same whether
    the batch's messages go out one by one or concurrently (thread-safe). `alerts.E003` makes
    sure one message cannot outlast the rest of a lease. Should a claim expire anyway (the
    process was paused) and the sweep hand a delivery on, `holds` says so and it is not sent
    here. Renewal times run on from the claim's own `now`, so tests can pass a fixed one.
    """

    def __init__(self, token: str, claimed_at: dt.datetime) -> None:
        self.token = token
        self.claimed_at = claimed_at
        self._started = self._renewed = time.monotonic()
        self._held: set[int] | None = None  # None: the whole batch, as claimed
        self._lock = threading.Lock()

    def holds(self, delivery_pk: int) -> bool:
        """Renew if a third of the lease has passed; is this delivery still ours to send?"""
        with self._lock:
            if time.monotonic() - self._renewed >= settings.ALERTS_CLAIM_TIMEOUT / 3:
                self.renew()
            return self._held is None or delivery_pk in self._held

    def renew(self) -> None:
        elapsed = time.monotonic() - self._started
        mine = Delivery.objects.filter(claimed_by=self.token, status=Status.SENDING)
        mine.update(claimed_at=self.claimed_at + dt.timedelta(seconds=elapsed))
        self._held = set(mine.values_list("pk", flat=True))
        self._renewed = time.monotonic()


def send_claimed(
    token: str, deliveries: list[Delivery], *, now: dt.datetime, lanes: sending.Lanes
) -> BatchResult:
    """Send claimed deliveries over the pass's lanes; record each outcome.

    Messages are rendered here while the lanes already send the first ones (alerts.sending);
    each lane asks the lease before each message (renewing it when due). The sent deliveries
    are recorded in one UPDATE for the batch, each failure on its own. A database error is not a
    delivery's failure: it ends the batch, whose claims expire and are sent again by the sweep
    (nothing is recorded that could not be written anyway).
    """
    result = BatchResult()
    lease = Lease(token, now)
    # One backoff per attempt count in a batch: its failures come back together, in one task.
    retry_at: dict[int, dt.datetime] = {}
    built: list[tuple[Delivery, EmailMessage]] = []

    def messages() -> Iterator[EmailMessage]:
        for delivery in deliveries:
            try:
                message = build_message(delivery)
            except DatabaseError:
                raise
            except Exception as error:
                _record_failure(token, delivery, error, now, result, retry_at)
            else:
                built.append((delivery, message))
                yield message

    def still_ours(index: int) -> bool:
        return lease.holds(built[index][0].pk)

    outcomes = lanes.send_all(messages(), before_send=still_ours)
    sent = []
    for (delivery, message), outcome in zip(built, outcomes, strict=True):
        if isinstance(outcome.error, DatabaseError):
            raise outcome.error
        if outcome.lost:
            logger.warning("delivery_claim_lost", delivery_id=delivery.pk)
        elif outcome.error is None:
            sent.append((delivery, message, outcome.connection))
        else:
            _record_failure(token, delivery, outcome.error, now, result, retry_at)
    _record_sent(token, sent, result)
    return result


def send_due(
    ids: Iterable[int] | None = None,
    *,
    now: dt.datetime | None = None,
    on_claim: Callable[[dt.datetime, str], None] | None = None,
    on_full_batch: Callable[[], None] | None = None,
) -> BatchResult:
    """Claim and send batches until nothing due is left. `on_claim` gets each lease's expiry
    and token; `on_full_batch` is called when a batch is full (more is probably waiting: other
    workers may help).

    Each batch is claimed at the time of its claim (unless `now` is given): a long run must not
    stamp its late claims with its start, or a sweep would take live claims for a dead worker's.
    """
    ids = None if ids is None else list(ids)
    total = BatchResult()
    with sending.Lanes(settings.ALERTS_SEND_CONCURRENCY) as lanes:
        while True:
            moment = now or timezone.now()
            token, deliveries = claim(ids, now=moment)
            if not deliveries:
                if ids is not None:
                    _add_not_yet_due(ids, moment, total)
                return total
            if on_claim is not None:
                on_claim(moment + dt.timedelta(seconds=settings.ALERTS_CLAIM_TIMEOUT), token)
            if on_full_batch is not None and len(deliveries) == settings.ALERTS_BATCH_SIZE:
                on_full_batch()
            total.merge(send_claimed(token, deliveries, now=moment, lanes=lanes))


def _add_not_yet_due(ids: list[int], now: dt.datetime, result: BatchResult) -> None:
    """A task that ran early (clocks differ) hands its deliveries on to their own time."""
    waiting = Delivery.objects.filter(pk__in=ids, status=Status.PENDING, next_attempt_at__gt=now)
    for pk, when in waiting.values_list("pk", "next_attempt_at"):
        result.retry[when].append(pk)


def release_expired_claims(*, now: dt.datetime | None = None) -> None:
    """Give deliveries claimed by a dead worker back to pending (or fail them if out of tries)."""
    now = now or timezone.now()
    expired = Delivery.objects.filter(
        status=Status.SENDING,
        claimed_at__lte=now - dt.timedelta(seconds=settings.ALERTS_CLAIM_TIMEOUT),
    )
    reset = {"claimed_by": "", "claimed_at": None}
    failed = expired.filter(attempts__gte=settings.ALERTS_MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error="The worker stopped while sending.", **reset
    )
    released = expired.update(status=Status.PENDING, next_attempt_at=now, **reset)
    if failed or released:
        logger.warning("alert_claims_released", released=released, failed=failed)


def lease_expiry(token: str) -> dt.datetime | None:
    """When the claim under `token` expires if not renewed again; None once nothing is left."""
    live = Delivery.objects.filter(claimed_by=token, status=Status.SENDING)
    oldest = live.aggregate(oldest=Min("claimed_at"))["oldest"]
    return None if oldest is None else oldest + dt.timedelta(seconds=settings.ALERTS_CLAIM_TIMEOUT)


def reset_for_retry(deliveries: QuerySet[Delivery]) -> list[int]:
    """Failed or pending deliveries become due now with a fresh count of attempts."""
    retryable = deliveries.filter(status__in=[Status.FAILED, Status.PENDING])
    ids = list(retryable.values_list("pk", flat=True))
    retryable.filter(pk__in=ids).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    return ids


def provider_message_id(message: EmailMessage) -> str:
    """The id an Anymail backend got from the provider (tracking events name it); "" otherwise."""
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    return message_id if isinstance(message_id, str) else ""


def _record_sent(
    token: str,
    sent: list[tuple[Delivery, EmailMessage, BaseEmailBackend]],
    result: BatchResult,
) -> None:
    """The batch's sent deliveries in ONE UPDATE, each with its provider's message id and the
    backend that took it."""
    if not sent:
        return
    provider_ids = {d.pk: provider_message_id(message)[:255] for d, message, _ in sent}
    backends = {d.pk: sent_by(message, backend)[:64] for d, message, backend in sent}
    Delivery.objects.filter(pk__in=provider_ids, claimed_by=token).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        claimed_by="",
        claimed_at=None,
        last_error="",
        provider_message_id=_per_row(provider_ids),
        backend=_per_row(backends),
    )
    for delivery, _, _ in sent:
        result.sent.append(delivery.pk)
        if delivery.is_digest:
            logger.info("digest_sent", delivery_id=delivery.pk, alerts=delivery.folded_count)
        else:
            with task_logs.for_request(delivery.alert.request_id):
                logger.info("delivery_sent", alert_id=delivery.alert_id, delivery_id=delivery.pk)


def _per_row(values: dict[int, str]) -> Value | Case:
    """One value for every row when they agree (SMTP has no provider id), else one per pk."""
    if len(distinct := set(values.values())) == 1:
        return Value(distinct.pop())
    whens = [When(pk=pk, then=Value(value)) for pk, value in values.items()]
    return Case(*whens, default=Value(""), output_field=CharField())


def _record_failure(
    token: str,
    delivery: Delivery,
    error: Exception,
    now: dt.datetime,
    result: BatchResult,
    retry_times: dict[int, dt.datetime],
) -> None:
    mine = Delivery.objects.filter(pk=delivery.pk, claimed_by=token)
    reset = {"claimed_by": "", "claimed_at": None, "last_error": retry.reason(error)[:2000]}
    transient = retry.is_transient(error)
    final = not transient or delivery.attempts >= settings.ALERTS_MAX_ATTEMPTS
    if final:
        mine.update(status=Status.FAILED, **reset)
        retry_at = None
    else:
        if delivery.attempts not in retry_times:
            retry_times[delivery.attempts] = now + retry.backoff(delivery.attempts)
        retry_at = retry_times[delivery.attempts]
        mine.update(status=Status.PENDING, next_attempt_at=retry_at, **reset)
        result.retry[retry_at].append(delivery.pk)
    # The error's class only: SMTP errors may quote the address; the admin shows the full text.
    with task_logs.for_request("" if delivery.is_digest else delivery.alert.request_id):
        (logger.error if final else logger.warning)(
            "delivery_failed",
            alert_id=delivery.alert_id,
            delivery_id=delivery.pk,
            attempt=delivery.attempts,
            next_try=None if retry_at is None else retry_at.isoformat(),
            error=type(error).__name__,
            permanent=not transient,
        )
