"""The request's logging context: django-structlog's, kept for Django's own lines, and returned."""

from typing import Any

import structlog
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django_structlog.app_settings import app_settings
from django_structlog.middlewares import RequestMiddleware as StructlogRequestMiddleware

from .client_ip import client_ip

REQUEST_ID_HEADER = "X-Request-ID"


def clear_log_context(**kwargs: Any) -> None:
    structlog.contextvars.clear_contextvars()


class RequestMiddleware(StructlogRequestMiddleware):
    """django-structlog's RequestMiddleware, with two additions.

    - The response carries the request id in X-Request-ID, so that a user or a proxy can quote
      it. The id is a fresh UUID, or the incoming X-Request-ID when
      DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID is on (TRUST_REQUEST_ID_HEADER).
    - The context (request id, user id) stays bound until the response is closed: Django logs
      error responses ("Not Found: /x") after the middleware chain has returned, when
      django-structlog has already cleared it.
    - The logged `ip` is the address the abuse limits count (TRUSTED_PROXY_COUNT), not ipware's
      pick from an X-Forwarded-For that any client can write.
    """

    def __init__(self, get_response: Any) -> None:
        super().__init__(get_response)
        request_finished.connect(clear_log_context, dispatch_uid="core.clear_log_context")

    @classmethod
    def bind_ip(cls, request: HttpRequest) -> None:
        structlog.contextvars.bind_contextvars(ip=client_ip(request))

    def prepare(self, request: HttpRequest) -> None:
        super().prepare(request)
        # Read now: a task run in place (tests) resets the context before the response.
        request.request_id = structlog.contextvars.get_contextvars().get("request_id")

    def handle_response(self, request: HttpRequest, response: HttpResponse) -> None:
        super().handle_response(request, response)
        if request.request_id:
            response.headers.setdefault(REQUEST_ID_HEADER, request.request_id)
            structlog.contextvars.bind_contextvars(request_id=request.request_id)
            self.bind_user_id(request)
            if app_settings.IP_LOGGING_ENABLED:
                self.bind_ip(request)
