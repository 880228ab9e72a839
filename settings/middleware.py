"""Small project-wide middleware."""

from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"


class RequestIdHeaderMiddleware:
    """Return the request id on the response, so that a user or a proxy can quote it.

    Sits right after django-structlog's RequestMiddleware, which chose the id (a fresh UUID, or
    the incoming X-Request-ID when DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID is on). The id is
    read before the view runs: a task run in place may reset the logging context.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        response = self.get_response(request)
        if request_id:
            response.headers.setdefault(REQUEST_ID_HEADER, request_id)
        return response
