"""The alerts figures of `/metrics` (core/metrics.py), read from the database at scrape time.

Counters are counts of rows: `birthday_deliveries_total{status}` counts deliveries that reached
`sent`, `failed` (gave up) or `digested` (folded into a digest). An admin's "Retry now" moves a
failed one back, which Prometheus reads as a counter reset of that series, as it would a restart.
`birthday_event_to_sent_seconds` measures from the event to the email that carried it: its own
email's `sent_at`, or that of the digest it was folded into.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from core.metrics import register_collector

from . import kinds
from .health import backlog
from .models import Alert, Delivery

Status = Delivery.Status
COUNTED = (Status.SENT, Status.FAILED, Status.DIGESTED)
# Seconds: an email sent at once takes about one; a digest waits for its window (600 s).
BUCKETS = (1, 5, 15, 30, 60, 300, 600, 1200, 1800, 3600, 4 * 3600, 24 * 3600)


def collect() -> Iterable[Metric]:
    names = [kind.name for kind in kinds.all_kinds()]
    events = CounterMetricFamily(
        "birthday_alert_events", "Events recorded, by kind.", labels=["kind"]
    )
    recorded = dict(Alert.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    for kind in sorted({*names, *recorded}):
        events.add_metric([kind], recorded.get(kind, 0))
    yield events

    deliveries = CounterMetricFamily(
        "birthday_deliveries",
        "Deliveries that were sent, failed for good, or were folded into a digest.",
        labels=["kind", "status"],
    )
    counted = Delivery.objects.filter(status__in=COUNTED).values_list("kind", "status")
    totals = {(kind, status): n for kind, status, n in counted.annotate(n=Count("pk")).order_by()}
    for kind in sorted({*names, *(kind for kind, _ in totals)}):
        for status in COUNTED:
            deliveries.add_metric([kind, status], totals.get((kind, status), 0))
    yield deliveries

    waiting = backlog()
    yield GaugeMetricFamily(
        "birthday_delivery_backlog",
        "Deliveries not yet sent: pending (due, backing off, or a digest's window) or sending.",
        value=waiting["pending"],
    )
    yield GaugeMetricFamily(
        "birthday_delivery_oldest_pending_seconds",
        "Age of the oldest delivery not yet sent; 0 when none waits.",
        value=waiting["oldest_pending_seconds"] or 0,
    )
    yield GaugeMetricFamily(
        "birthday_alert_outbox",
        "Alerts recorded but not yet fanned out into deliveries (near 0 while a worker runs).",
        value=waiting["outbox"],
    )
    yield _event_to_sent(names)


def _event_to_sent(names: list[str]) -> HistogramMetricFamily:
    histogram = HistogramMetricFamily(
        "birthday_event_to_sent_seconds",
        "From an event to the email that carried it (its own or its digest).",
        labels=["kind"],
    )
    individual = _latency_figures(
        Delivery.objects.filter(status=Status.SENT, alert__isnull=False), "sent_at"
    )
    folded = _latency_figures(
        Delivery.objects.filter(status=Status.DIGESTED, digest__status=Status.SENT),
        "digest__sent_at",
    )
    for kind in sorted({*names, *individual, *folded}):
        figures = [individual.get(kind), folded.get(kind)]
        figures = [row for row in figures if row is not None]
        buckets = [
            (str(float(bound)), sum(row[f"le_{i}"] for row in figures))
            for i, bound in enumerate(BUCKETS)
        ]
        count = sum(row["count"] for row in figures)
        total = sum((_seconds(row["total"]) for row in figures), 0.0)
        histogram.add_metric([kind], [*buckets, ("+Inf", count)], sum_value=total)
    return histogram


def _latency_figures(deliveries, sent_field: str) -> dict[str, dict]:
    """Per kind: how many, the sum of their latencies, and how many within each bucket."""
    latency = ExpressionWrapper(
        F(sent_field) - F("alert__occurred_at"), output_field=DurationField()
    )
    within = {
        f"le_{i}": Count("pk", filter=Q(latency__lte=dt.timedelta(seconds=bound)))
        for i, bound in enumerate(BUCKETS)
    }
    rows = (
        deliveries.annotate(latency=latency)
        .values("kind")
        .annotate(count=Count("pk"), total=Sum("latency"), **within)
        .order_by()
    )
    return {row["kind"]: row for row in rows}


def _seconds(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value / 1_000_000  # SQLite sums durations as microseconds


def register() -> None:
    """Called from AlertsConfig.ready()."""
    register_collector("alerts", collect)
