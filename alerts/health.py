"""The alerts figures in `/healthz`: how much email waits, and for how long the oldest has.

Due deliveries (pending, their time come) and alerts in the outbox (not yet fanned out) also
tell /healthz that a worker is needed now: with none seen for HEALTH_WORKER_STALE_SECONDS it
answers 503 `worker`. The figures below are for the operator only (`Authorization: Bearer
$METRICS_TOKEN`).

"Pending" is every delivery not yet sent: `pending` (due now, or backing off after a transient
error, or a digest waiting for its window to close) and `sending` (claimed by a worker). Not-due
ones count too, because a backlog that only grows while the mail server is down is exactly what
an operator must see. The age is measured from the delivery's creation, so it keeps growing
through retries; in normal operation it stays below `ALERTS_THROTTLE_WINDOW` (a digest waits for
its window) plus a few seconds; a silence's summary, which waits for the silence's end by design
(up to ALERTS_SILENCE_MAX_DAYS), is counted but not aged until it is due. `outbox` counts the
alerts recorded but not yet fanned out into deliveries: it stays near 0 while a worker runs.
Counts and seconds only: no address, no content.
"""

from django.db.models import Count, Min, Q
from django.utils import timezone

from core.health import register_due_work, register_probe

from .models import Alert, Delivery

Status = Delivery.Status
UNSENT = (Status.PENDING, Status.SENDING)


def backlog() -> dict[str, int | None]:
    """`{"pending": n, "oldest_pending_seconds": s, "outbox": m}` (`s` None when nothing waits)."""
    now = timezone.now()
    waiting_for_silence = Q(silence__isnull=False, next_attempt_at__gt=now)
    figures = Delivery.objects.filter(status__in=UNSENT).aggregate(
        pending=Count("pk"), oldest=Min("created_at", filter=~waiting_for_silence)
    )
    oldest = figures["oldest"]
    age = None if oldest is None else max(int((now - oldest).total_seconds()), 0)
    outbox = Alert.objects.filter(fanned_out_at__isnull=True).count()
    return {"pending": figures["pending"], "oldest_pending_seconds": age, "outbox": outbox}


def has_due() -> bool:
    """Work for a worker now: deliveries due, or alerts waiting to be fanned out."""
    due = Delivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
    return due.exists() or Alert.objects.filter(fanned_out_at__isnull=True).exists()


def register() -> None:
    """Called from AlertsConfig.ready()."""
    register_probe("alerts", backlog)
    register_due_work("alerts", has_due)
