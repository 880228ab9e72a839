"""The operator's bearer token (METRICS_TOKEN) for /healthz details and /metrics."""

import hmac

from django.conf import settings
from django.http import HttpRequest


def presented_token(request: HttpRequest) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None without one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def is_operator(request: HttpRequest) -> bool:
    """True for the right token; always False while METRICS_TOKEN is unset."""
    expected = settings.METRICS_TOKEN
    token = presented_token(request)
    return bool(expected) and token is not None and hmac.compare_digest(token, expected)
