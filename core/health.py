"""`/healthz` for load balancers: is this process able to serve, and what else is worth a glance.

It is answered by HealthCheckMiddleware, first in MIDDLEWARE, before anything else looks at the
request: load balancers probe with an IP address as Host (not in ALLOWED_HOSTS) and over plain
HTTP (no redirect to HTTPS), and their polling would otherwise flood the request logs. The
answer holds no secret and nothing derived from the Host header.

Apps add their own figures by registering a probe from their AppConfig.ready():

    from core.health import register_probe
    register_probe("pending_deliveries", count_pending_deliveries)

A probe is a function without arguments returning something JSON can carry. Only the database
decides the status code: probes report numbers, they don't take a process out of rotation.
A probe that raises is reported as "error" and does not break the endpoint.
"""

from collections.abc import Callable
from typing import Any

import structlog
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

logger = structlog.get_logger(__name__)

HEALTHZ_PATH = "/healthz"
RESERVED_NAMES = frozenset({"status", "database"})

Probe = Callable[[], Any]
_probes: dict[str, Probe] = {}


def register_probe(name: str, probe: Probe) -> None:
    """Add `name: probe()` to every healthy /healthz answer; a name registered again is replaced."""
    if name in RESERVED_NAMES:
        raise ValueError(f"{name!r} is reserved in /healthz answers")
    _probes[name] = probe


def unregister_probe(name: str) -> None:
    _probes.pop(name, None)


def database_is_reachable(alias: str = "default") -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("healthz_database_unreachable", error_class=type(error).__name__)
        return False
    return True


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
    """200 `{"status": "ok", "database": "ok", ...}`, or 503 when the database is unreachable."""
    if request.method not in ("GET", "HEAD"):
        response = HttpResponseNotAllowed(["GET", "HEAD"])
    elif not database_is_reachable():
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    else:
        response = JsonResponse({"status": "ok", "database": "ok", **run_probes()})
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answers HEALTHZ_PATH itself, before host validation, HTTPS redirect and request logging."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTHZ_PATH:
            return healthz(request)
        return self.get_response(request)
