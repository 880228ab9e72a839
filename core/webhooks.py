"""The providers' tracking webhooks (Anymail) this site mounts, built so that none answers 500.

- Only tracking webhooks (the site receives no inbound mail), and only for the providers that
  are configured: a mailer uses them, or ANYMAIL holds settings for them (`POSTMARK_...`).
- Only views Anymail can build: one whose settings are incomplete (Mailgun without
  MAILGUN_WEBHOOK_SIGNING_KEY, Postal without POSTAL_WEBHOOK_KEY, ...) would raise on every
  request; it is left out, and the check project.W007 names the missing setting.
- A payload a view cannot parse or validate (`{}`, not JSON, the wrong shape) answers 400 with
  one log line, instead of a traceback and a 500.
"""

import json
from collections.abc import Iterator
from typing import Any

import anymail.urls
import structlog
from anymail.exceptions import (
    AnymailConfigurationError,
    AnymailError,
    AnymailWebhookValidationFailure,
)
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import URLPattern, path, re_path
from django.urls.resolvers import RoutePattern

from .mail_backends import ANYMAIL_PROVIDERS, provider_name

logger = structlog.get_logger(__name__)


class _Malformed(Exception):
    pass


# What Anymail's parsers raise on a payload of the wrong shape (AnymailError: Amazon SES's
# "Malformed SNS message").
UNREADABLE = (AnymailError, LookupError, TypeError, AttributeError, ValueError)


class MalformedIs400:
    """Mixed into an Anymail webhook view: what it cannot read is the sender's error."""

    def run_validators(self, request: HttpRequest) -> None:
        try:
            super().run_validators(request)
        except AnymailWebhookValidationFailure:
            raise  # wrong auth or signature: Anymail answers 400 and logs it as suspicious
        except UNREADABLE as error:
            raise _Malformed from error

    def parse_events(self, request: HttpRequest) -> list:
        if _empty(request.body):
            raise _Malformed from ValueError("empty payload")
        try:
            return super().parse_events(request)
        except UNREADABLE as error:
            raise _Malformed from error

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().post(request, *args, **kwargs)
        except _Malformed as malformed:
            logger.warning(
                "webhook_payload_invalid",
                provider=self.esp_name,
                error=type(malformed.__cause__).__name__,
            )
            return HttpResponseBadRequest()


def _empty(body: bytes) -> bool:
    """Nothing, `{}` or `[]`: some parsers take it for a batch of no events; no provider sends
    it (their test pings carry a sample event)."""
    try:
        return json.loads(body or b"null") in (None, {}, [])
    except ValueError:
        return False


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def configured_providers() -> set[str]:
    """Providers a mailer names (also inside a failover list), or with settings in ANYMAIL."""
    named = {provider_name(text) or text for text in _strings(settings.MAILERS)}
    with_settings = {
        name
        for name in ANYMAIL_PROVIDERS
        if any(key.startswith(f"{name.upper()}_") for key in settings.ANYMAIL)
    }
    return (named & ANYMAIL_PROVIDERS.keys()) | with_settings


def _tracking(pattern: URLPattern) -> tuple[str, str] | None:
    """(provider, route) of one of Anymail's tracking webhooks; None for inbound ones."""
    route = str(pattern.pattern).removeprefix("^")
    provider = route.split("/")[0]
    if "inbound" in route or provider not in ANYMAIL_PROVIDERS:
        return None
    return provider, route


def webhook_views() -> Iterator[tuple[URLPattern, type | None, str]]:
    """Each tracking webhook of a configured provider: (Anymail's pattern, our view class or
    None when Anymail cannot build it, why not)."""
    providers = configured_providers()
    for pattern in anymail.urls.urlpatterns:
        found = _tracking(pattern)
        if found is None or found[0] not in providers:
            continue
        view_class = pattern.callback.view_class
        try:
            view_class(**pattern.callback.view_initkwargs)
        except AnymailConfigurationError as error:
            yield pattern, None, str(error).splitlines()[0]
            continue
        yield pattern, type(view_class.__name__, (MalformedIs400, view_class), {}), ""


def urlpatterns() -> list[URLPattern]:
    """The mounted webhooks, under Anymail's own routes and names (`anymail:..._webhook`)."""
    mounted = []
    for pattern, view_class, _ in webhook_views():
        if view_class is None:
            continue
        view = view_class.as_view(**pattern.callback.view_initkwargs)
        route = pattern.pattern
        if isinstance(route, RoutePattern):
            mounted.append(path(str(route), view, name=pattern.name))
        else:
            mounted.append(re_path(str(route), view, name=pattern.name))
    return mounted
