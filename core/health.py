"""`/healthz` for load balancers and operators: can this site serve, and is its mail moving?

It is answered by HealthCheckMiddleware, first in MIDDLEWARE, before anything else looks at the
request: load balancers probe with an IP address as Host (not in ALLOWED_HOSTS) and over plain
HTTP (no redirect to HTTPS), and their polling would otherwise flood the request logs.

Anyone gets the status only: 200 `{"status": "ok"}`, or 503 with the one word that is wrong:

- `database`: the database cannot be written (unreachable, read-only, locked past its timeout);
- `worker`: work is due (ready tasks, or what an app registered with `register_due_work`) and
  no task worker has beaten for HEALTH_WORKER_STALE_SECONDS (core/workers.py).

With `Authorization: Bearer $METRICS_TOKEN` the answer adds the details: every worker's last
heartbeat, the task queue, and each app's probe (`register_probe`), e.g. the alerts backlog.
Apps register from their AppConfig.ready():

    register_probe("alerts", alerts_backlog)        # figures, details only
    register_due_work("alerts", has_due_deliveries) # True: a worker is needed now

A probe that raises is reported as "error" and does not break the endpoint.
"""

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import structlog
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.tasks import task_backends
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .bearer import is_operator
from .metrics import METRICS_PATH, metrics
from .models import WorkerHeartbeat

logger = structlog.get_logger(__name__)

HEALTHZ_PATH = "/healthz"
RESERVED_NAMES = frozenset({"status", "database", "workers", "tasks"})
MAX_WORKERS_LISTED = 50

Probe = Callable[[], Any]
_probes: dict[str, Probe] = {}
_due_work: dict[str, Callable[[], bool]] = {}


def register_probe(name: str, probe: Probe) -> None:
    """Add `name: probe()` to the operator's details; a name registered again is replaced."""
    if name in RESERVED_NAMES:
        raise ValueError(f"{name!r} is reserved in /healthz answers")
    _probes[name] = probe


def unregister_probe(name: str) -> None:
    _probes.pop(name, None)


def register_due_work(name: str, is_due: Callable[[], bool]) -> None:
    """`is_due()` is True while something waits for a worker now (e.g. deliveries due)."""
    _due_work[name] = is_due


def unregister_due_work(name: str) -> None:
    _due_work.pop(name, None)


def database_is_writable() -> bool:
    """A real write, rolled back: a read-only or locked database fails it, a SELECT would not."""
    now = timezone.now()
    try:
        with transaction.atomic():
            WorkerHeartbeat.objects.create(
                worker_id=f"healthz-{uuid.uuid4().hex}", started_at=now, seen_at=now
            )
            transaction.set_rollback(True)
    except DatabaseError as error:
        logger.error("healthz_database_unwritable", error_class=type(error).__name__)
        return False
    return True


def worker_is_missing(*, now: dt.datetime | None = None) -> bool:
    """Work is due and no worker has beaten within HEALTH_WORKER_STALE_SECONDS."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.HEALTH_WORKER_STALE_SECONDS)
    if WorkerHeartbeat.objects.filter(seen_at__gte=stale_before).exists():
        return False
    return _ready_tasks().exists() or any(is_due() for is_due in _due_work.values())


def status() -> str:
    if not database_is_writable():
        return "database"
    if worker_is_missing():
        return "worker"
    return "ok"


def details(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """What the operator sees: workers' heartbeats, the task queue, every app's probe."""
    now = now or timezone.now()
    workers = [
        {
            "worker_id": beat.worker_id,
            "hostname": beat.hostname,
            "pid": beat.pid,
            "started_at": beat.started_at.isoformat(),
            "last_seen": beat.seen_at.isoformat(),
            "seconds_since_seen": _seconds(now - beat.seen_at),
        }
        for beat in WorkerHeartbeat.objects.all()[:MAX_WORKERS_LISTED]
    ]
    queue = _ready_tasks().aggregate(ready=Count("pk"), oldest=Min("enqueued_at"))
    tasks = {
        "ready": queue["ready"],
        "oldest_ready_seconds": None
        if queue["oldest"] is None
        else _seconds(now - queue["oldest"]),
    }
    return {"workers": workers, "tasks": tasks, **run_probes()}


def run_probes() -> dict[str, Any]:
    results = {}
    for name, probe in _probes.items():
        try:
            results[name] = probe()
        except Exception as error:
            logger.exception("healthz_probe_failed", probe=name, error_class=type(error).__name__)
            results[name] = "error"
    return results


def healthz(request: HttpRequest) -> HttpResponse:
    """200 `{"status": "ok"}`, or 503 `{"status": "database" | "worker"}`; details for operators."""
    if request.method not in ("GET", "HEAD"):
        response = HttpResponseNotAllowed(["GET", "HEAD"])
    else:
        state = status()
        body: dict[str, Any] = {"status": state}
        if is_operator(request):
            body["database"] = "ok" if state != "database" else "unwritable"
            if state != "database":
                body |= details()
        response = JsonResponse(body, status=200 if state == "ok" else 503)
    add_never_cache_headers(response)
    return response


def _ready_tasks():
    """Tasks waiting in the database queue; none when tasks don't go through the database."""
    names = [name for name in settings.TASKS if isinstance(task_backends[name], DatabaseBackend)]
    return DBTaskResult.objects.ready().filter(backend_name__in=names)


def _seconds(delta: dt.timedelta) -> int:
    return max(int(delta.total_seconds()), 0)


class HealthCheckMiddleware:
    """Answers /healthz and /metrics itself, before host validation, HTTPS redirect and request
    logging: probes and scrapers address the machine by IP and poll every few seconds.
    While METRICS_TOKEN is unset, /metrics goes on to the URLs, where it does not exist (404)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTHZ_PATH:
            return healthz(request)
        if request.path_info == METRICS_PATH and settings.METRICS_TOKEN:
            return metrics(request)
        return self.get_response(request)
