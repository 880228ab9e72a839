"""The delivery dashboard's figures, from aggregate queries only.

However many rows there are, the page runs the same dozen queries: counts are grouped in the
database, and the event → sent times are folded into a log-scale histogram (16 buckets per
decade) from which the median and the 95th percentile are read, on SQLite and PostgreSQL alike.
A percentile so read is within one bucket (15 %) of the exact one, which is what a glance
needs; PostgreSQL's PERCENTILE_CONT would be exact there but has no SQLite twin, and one code
path gives the same figure on both.
"""

import datetime as dt
import functools
import math
import operator
from dataclasses import dataclass, field

from django.db.models import CharField, Count, F, FloatField, Func, Q
from django.db.models.functions import Floor, Greatest, Ln
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from . import kinds
from .models import Alert, Delivery, Silence

Status = Delivery.Status
PERIODS = (
    ("24h", _("last 24 hours"), dt.timedelta(hours=24)),
    ("7d", _("last 7 days"), dt.timedelta(days=7)),
)
BUCKETS_PER_E = 16 / math.log(10)  # 16 buckets per decade: each 15 % wider than the last
SHORTEST = 0.01  # seconds: faster counts in the first bucket
TOP_FAILURES = 5
SAMPLE = 5000  # sent emails per period the timings are read from, at most
UNSENT = (Status.PENDING, Status.SENDING)


class EpochSeconds(Func):
    """A datetime as seconds since the epoch (float), in SQLite's and PostgreSQL's own SQL."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "EXTRACT(EPOCH FROM %(expressions)s)::float"
        return self.as_sql(compiler, connection, template=template, **extra)


class HourKey(Func):
    """The UTC hour of a datetime as text, 'YYYY-MM-DD HH': grouping without parsing each row."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps datetimes as UTC text: the hour is a prefix.
        return self.as_sql(compiler, connection, template="SUBSTR(%(expressions)s, 1, 13)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "TO_CHAR(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"
        return self.as_sql(compiler, connection, template=template, **extra)


def admin_list(model: str, **filters) -> str:
    return reverse(f"admin:alerts_{model}_changelist") + "?" + urlencode(filters)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass
class Figure:
    label: str
    count: int
    url: str


@dataclass
class PeriodFigures:
    key: str
    label: str
    since: dt.datetime
    events: list[Figure] = field(default_factory=list)
    statuses: list[Figure] = field(default_factory=list)
    sent: int = 0
    failure_rate: float | None = None
    failed_url: str = ""
    median_seconds: float | None = None
    p95_seconds: float | None = None
    sent_url: str = ""
    top_failures: list[Figure] = field(default_factory=list)

    @property
    def events_total(self) -> int:
        return sum(figure.count for figure in self.events)


@dataclass
class Cell:
    text: str
    url: str = ""


@dataclass
class Row:
    label: str
    cells: list[Cell]


@dataclass
class Section:
    title: str
    rows: list[Row]


@dataclass
class Dashboard:
    now: dt.datetime
    periods: list[PeriodFigures]
    sections: list[Section]
    oldest_pending: Delivery | None
    silences: list[Silence]
    silences_count: int
    silences_url: str
    hourly: list[tuple[dt.datetime, int, int]]  # hour start, events, emails sent (7 days)


def build(now: dt.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    periods = [PeriodFigures(key, label, now - span) for key, label, span in PERIODS]
    _events(periods)
    _statuses(periods)
    _latency(periods)
    for period in periods:
        _top_failures(period)
    active = Silence.objects.active(now)
    oldest = (
        Delivery.objects.filter(status__in=UNSENT)
        # A silence's summary waits for its end by design: not a backlog.
        .exclude(silence__isnull=False, next_attempt_at__gt=now)
        .select_related("recipient")
        .order_by("created_at", "pk")
        .first()
    )
    return Dashboard(
        now=now,
        periods=periods,
        sections=table(periods),
        oldest_pending=oldest,
        silences=list(active.select_related("recipient").order_by("ends_at")[:10]),
        silences_count=active.count(),
        silences_url=reverse("admin:alerts_silence_changelist") + "?state=active",
        hourly=hourly(now),
    )


def table(periods: list[PeriodFigures]) -> list[Section]:
    """The figures as rows with one cell per period, each linking to the list behind it."""

    def figure_rows(attribute: str) -> list[Row]:
        columns = [getattr(period, attribute) for period in periods]
        return [
            Row(str(figures[0].label), [Cell(str(f.count), f.url) for f in figures])
            for figures in zip(*columns, strict=True)
        ]

    def timing(attribute: str) -> list[Cell]:
        return [Cell(format_seconds(getattr(p, attribute)), p.sent_url) for p in periods]

    return [
        Section(_("Events per kind"), figure_rows("events")),
        Section(_("Deliveries by status"), figure_rows("statuses")),
        Section(
            _("Delivery"),
            [
                Row(
                    _("failure rate (failed of sent and failed)"),
                    [Cell(format_rate(p.failure_rate), p.failed_url) for p in periods],
                ),
                Row(_("median time from event to sent"), timing("median_seconds")),
                Row(_("95th percentile, event to sent"), timing("p95_seconds")),
            ],
        ),
    ]


def format_rate(rate: float | None) -> str:
    return "—" if rate is None else f"{number_format(round(rate * 100, 1), 1)} %"


def format_seconds(seconds: float | None) -> str:
    """A duration as an admin reads it: 0.4 s, 12 s, 3.5 min, 2.0 h; "—" when there is none."""
    if seconds is None:
        return "—"
    if seconds < 10:
        return _("%(value).1f s") % {"value": seconds}
    if seconds < 120:
        return _("%(value).0f s") % {"value": seconds}
    if seconds < 7200:
        return _("%(value).1f min") % {"value": seconds / 60}
    return _("%(value).1f h") % {"value": seconds / 3600}


def _by_period(queryset, moment: str, periods: list[PeriodFigures], group: str) -> dict:
    """{group value: [count in each period]} in ONE query over the longest period."""
    counts = {
        f"n{index}": Count("pk", filter=Q(**{f"{moment}__gte": period.since}))
        for index, period in enumerate(periods)
    }
    oldest = min(period.since for period in periods)
    rows = queryset.filter(**{f"{moment}__gte": oldest}).values(group).annotate(**counts)
    return {row[group]: [row[f"n{i}"] for i in range(len(periods))] for row in rows}


def _events(periods: list[PeriodFigures]) -> None:
    counts = _by_period(Alert.objects.order_by(), "occurred_at", periods, "kind")
    for index, period in enumerate(periods):
        for kind in kinds.all_kinds():
            period.events.append(
                Figure(
                    kind.label,
                    counts.get(kind.name, [0] * len(periods))[index],
                    admin_list("alert", kind__exact=kind.name, occurred_at__gte=_iso(period.since)),
                )
            )


def _statuses(periods: list[PeriodFigures]) -> None:
    counts = _by_period(Delivery.objects.order_by(), "created_at", periods, "status")
    for index, period in enumerate(periods):
        by_status = {}
        for status in Status:
            by_status[status] = counts.get(status.value, [0] * len(periods))[index]
            period.statuses.append(
                Figure(
                    status.label,
                    by_status[status],
                    admin_list(
                        "delivery", status__exact=status.value, created_at__gte=_iso(period.since)
                    ),
                )
            )
        period.sent = by_status[Status.SENT]
        finished = by_status[Status.SENT] + by_status[Status.FAILED]
        period.failure_rate = by_status[Status.FAILED] / finished if finished else None
        period.failed_url = admin_list(
            "delivery", status__exact=Status.FAILED, created_at__gte=_iso(period.since)
        )
        period.sent_url = admin_list(
            "delivery", status__exact=Status.SENT, created_at__gte=_iso(period.since)
        )


def _latency(periods: list[PeriodFigures]) -> None:
    """Median and p95 of event → sent, individual emails only (digests wait by design).

    Read from every n-th sent email by id, n chosen so that each period holds at most SAMPLE of
    them: the cost stays bounded at any volume, and a sample that large puts the percentiles
    within a fraction of a bucket of the whole population's.
    """
    seconds = EpochSeconds(F("sent_at")) - EpochSeconds(F("alert__occurred_at"))
    bucket = Floor(Ln(Greatest(seconds, SHORTEST, output_field=FloatField())) * BUCKETS_PER_E)
    in_sample = [
        Q(sent_at__gte=period.since) & Q(**{f"m{index}": 0}) for index, period in enumerate(periods)
    ]
    steps = {f"m{i}": F("pk") % max(1, p.sent // SAMPLE) for i, p in enumerate(periods)}
    sent = (
        Delivery.objects.order_by()
        .filter(status=Status.SENT, alert__isnull=False)
        .annotate(bucket=bucket, **steps)
        .filter(functools.reduce(operator.or_, in_sample))
        .values("bucket")
        .annotate(**{f"n{i}": Count("pk", filter=q) for i, q in enumerate(in_sample)})
    )
    histogram = {row["bucket"]: [row[f"n{i}"] for i in range(len(periods))] for row in sent}
    for index, period in enumerate(periods):
        counts = sorted((int(b), n[index]) for b, n in histogram.items() if n[index])
        period.median_seconds = _percentile(counts, 0.5)
        period.p95_seconds = _percentile(counts, 0.95)


def _percentile(counts: list[tuple[int, int]], share: float) -> float | None:
    """Read a percentile from (bucket, count) pairs: log-interpolated inside its bucket."""
    total = sum(count for _, count in counts)
    if not total:
        return None
    wanted, seen = share * total, 0
    for bucket, count in counts:
        if seen + count >= wanted:
            inside = (wanted - seen) / count
            return math.exp((bucket + inside) / BUCKETS_PER_E)
        seen += count
    return None  # unreachable: the loop ends at the total


def _top_failures(period: PeriodFigures) -> None:
    rows = (
        Delivery.objects.order_by()
        .filter(status=Status.FAILED, created_at__gte=period.since)
        .values("recipient_id", "recipient__email")
        .annotate(failures=Count("pk"))
        .order_by("-failures", "recipient__email")[:TOP_FAILURES]
    )
    period.top_failures = [
        Figure(
            row["recipient__email"],
            row["failures"],
            admin_list(
                "delivery",
                recipient__id__exact=row["recipient_id"],
                status__exact=Status.FAILED,
                created_at__gte=_iso(period.since),
            ),
        )
        for row in rows
    ]


def hourly(now: dt.datetime, hours: int = 7 * 24) -> list[tuple[dt.datetime, int, int]]:
    """Events and emails sent per hour for the last `hours` hours, oldest first (2 queries)."""
    last = int(now.timestamp()) // 3600
    first = last - hours + 1
    since = dt.datetime.fromtimestamp(first * 3600, tz=dt.UTC)

    def per_hour(queryset, moment: str) -> dict[int, int]:
        rows = (
            queryset.order_by()
            .filter(**{f"{moment}__gte": since})
            .annotate(hour=HourKey(F(moment)))
            .values("hour")
            .annotate(n=Count("pk"))
        )
        return {row["hour"]: row["n"] for row in rows}

    events = per_hour(Alert.objects, "occurred_at")
    sent = per_hour(Delivery.objects.filter(status=Status.SENT), "sent_at")
    starts = [dt.datetime.fromtimestamp(h * 3600, tz=dt.UTC) for h in range(first, last + 1)]
    keys = [start.strftime("%Y-%m-%d %H") for start in starts]
    return [
        (start, events.get(key, 0), sent.get(key, 0))
        for start, key in zip(starts, keys, strict=True)
    ]
