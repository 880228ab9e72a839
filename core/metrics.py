"""`/metrics` in the Prometheus text format, for `Authorization: Bearer $METRICS_TOKEN`.

Every figure is read when Prometheus scrapes, from the database every process writes to: the
counts are right whichever web process or worker (on whichever machine) did the work, survive
restarts, and need no shared directory (prometheus_client's multi-process mode only adds up the
processes of one machine). prometheus_client only formats them.

Apps add theirs from AppConfig.ready(): `register_collector("alerts", collect)`, where
`collect()` yields prometheus_client metric families. A collector that raises is logged and
shown as `birthday_collector_up{collector="..."} 0`; the others are still served.
"""

import datetime as dt
from collections.abc import Callable, Iterable

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder

from .bearer import is_operator, presented_token
from .failover import failover_mailers
from .models import MailBackendState, MailFailover, WorkerHeartbeat

logger = structlog.get_logger(__name__)

METRICS_PATH = "/metrics"

Collect = Callable[[], Iterable[Metric]]
_collectors: dict[str, Collect] = {}


def register_collector(name: str, collect: Collect) -> None:
    """A name registered again is replaced."""
    _collectors[name] = collect


def collect_core() -> Iterable[Metric]:
    """Workers alive, failovers and breakers of the failover mailers."""
    now = timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.HEALTH_WORKER_STALE_SECONDS)
    workers = GaugeMetricFamily(
        "birthday_workers_alive",
        "Task workers whose heartbeat is younger than HEALTH_WORKER_STALE_SECONDS.",
        value=WorkerHeartbeat.objects.filter(seen_at__gte=stale_before).count(),
    )
    yield workers

    failovers = CounterMetricFamily(
        "birthday_mail_failovers",
        "Messages sent by a later backend of a failover mailer because the earlier failed or "
        "was paused by its breaker.",
        labels=["mailer", "from_backend", "to_backend"],
    )
    for row in MailFailover.objects.order_by("mailer", "from_backend", "to_backend"):
        failovers.add_metric([row.mailer, row.from_backend, row.to_backend], row.count)
    yield failovers

    breakers = GaugeMetricFamily(
        "birthday_mail_breaker_open",
        "1 while a failover mailer skips this backend (its circuit breaker is open).",
        labels=["mailer", "backend"],
    )
    states = {(state.mailer, state.backend): state for state in MailBackendState.objects.all()}
    for mailer, backends in failover_mailers().items():
        for backend in backends:
            state = states.get((mailer, backend))
            is_open = state is not None and state.open_until is not None and state.open_until > now
            breakers.add_metric([mailer, backend], 1 if is_open else 0)
    yield breakers


class _Collectors:
    """prometheus_client's view of the registered collectors."""

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "birthday_collector_up",
            "1 when the collector could read its figures.",
            labels=["collector"],
        )
        for name, collect in {"core": collect_core, **_collectors}.items():
            try:
                families = list(collect())
            except Exception as error:
                logger.exception(
                    "metrics_collector_failed", collector=name, error=type(error).__name__
                )
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up


registry = CollectorRegistry(auto_describe=False)
registry.register(_Collectors())


def metrics(request: HttpRequest) -> HttpResponse:
    """404 while METRICS_TOKEN is unset (see the middleware), 401 without a token, 403 wrong."""
    if presented_token(request) is None:
        response = HttpResponse(
            "A bearer token is required.\n", status=401, content_type="text/plain"
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not is_operator(request):
        return HttpResponse("Wrong token.\n", status=403, content_type="text/plain")
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encode(registry), content_type=content_type)
