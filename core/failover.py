"""A Django email backend that sends through an ordered list of backends, with failover.

Any MAILERS entry can use it; settings/mailers.py builds one from `EMAIL_BACKEND=postmark,smtp`:

    {"BACKEND": "core.failover.EmailBackend",
     "OPTIONS": {"backends": [{"NAME": "postmark", "BACKEND": "anymail...", "OPTIONS": {}},
                              {"NAME": "smtp", "BACKEND": "django...", "OPTIONS": {...}}]}}

Each message goes to the first backend whose circuit breaker is closed (core/breaker.py). An
error that says the backend is unwell (transient: refused or reset connection, timeout, SMTP
4xx, provider 5xx or 429; or the backend's credentials refused) moves that message to the next
backend at once. An error that rejects the message itself (SMTP 5xx for a recipient, provider
4xx) is raised without trying the others: it would fail everywhere, and the caller records it.
The message keeps its headers, Message-ID included, on every backend it is tried on.

The backend that took a message is left on it as `message.sent_by` (see `sent_by`), which the
alerts app stores on the delivery.
"""

import smtplib
from collections.abc import Iterable
from typing import Any

import structlog
from anymail.exceptions import AnymailAPIError
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django.utils.module_loading import import_string

from . import breaker
from .mail_backends import BACKENDS
from .retry import is_transient

logger = structlog.get_logger(__name__)

BACKEND_PATH = "core.failover.EmailBackend"


class AllBackendsUnavailable(ConnectionError):
    """Every backend of the list failed or is skipped by its breaker: try again later."""


def is_backend_fault(error: BaseException) -> bool:
    """The backend, not the message: its credentials or the server's greeting were refused."""
    if isinstance(error, (smtplib.SMTPAuthenticationError, smtplib.SMTPConnectError)):
        return True
    return isinstance(error, AnymailAPIError) and getattr(error, "status_code", None) in (401, 403)


def fails_over(error: BaseException) -> bool:
    """The retry policy's transient errors (core.retry), and the backend's own faults."""
    return is_transient(error) or is_backend_fault(error)


def sent_by(message: EmailMessage, connection: BaseEmailBackend) -> str:
    """The backend that sent `message`: the failover member, else the connection's short name."""
    if name := getattr(message, "sent_by", ""):
        return name
    path = f"{type(connection).__module__}.{type(connection).__qualname__}"
    return short_name(path) or path


def short_name(path: str) -> str | None:
    """`smtp`, `postmark`, ... for a backend's dotted path; None for one we do not name."""
    return next((name for name, known in BACKENDS.items() if known == path), None)


def failover_mailers() -> dict[str, list[str]]:
    """Mailer alias → its backends' names, for every MAILERS entry that is a failover list."""
    return {
        alias: [entry["NAME"] for entry in config.get("OPTIONS", {}).get("backends", [])]
        for alias, config in getattr(settings, "MAILERS", {}).items()
        if config.get("BACKEND") == BACKEND_PATH
    }


# Backends that never wait on a server.
_INSTANT = {"console", "dummy", "file", "locmem"}
ANYMAIL_REQUESTS_TIMEOUT = 30.0  # Anymail's default for its HTTP providers


def longest_send(config: dict[str, Any]) -> float | None:
    """Seconds one message can wait on its servers: each backend's timeout (SMTP `timeout`,
    Anymail's REQUESTS_TIMEOUT), added up down a failover list; None when one has no bound."""
    members = (
        config.get("OPTIONS", {}).get("backends") if config.get("BACKEND") == BACKEND_PATH else None
    )
    total = 0.0
    for entry in members or [config]:
        seconds = _longest_member_send(entry)
        if seconds is None:
            return None
        total += seconds
    return total


def _longest_member_send(entry: dict[str, Any]) -> float | None:
    path = entry.get("BACKEND", "")
    options = entry.get("OPTIONS", {})
    name = short_name(path)
    if name in _INSTANT:
        return 0.0
    if name == "smtp":
        return options.get("timeout")  # None: Python's default, no timeout at all
    if path.startswith("anymail.") and name != "amazon_ses":  # the HTTP (requests) providers
        shared = getattr(settings, "ANYMAIL", {}).get("REQUESTS_TIMEOUT", ANYMAIL_REQUESTS_TIMEOUT)
        timeout = options.get("requests_timeout", shared)
        return float(sum(timeout)) if isinstance(timeout, (list, tuple)) else float(timeout)
    return None  # boto3's, a custom backend's: unknown


def build_member(entry: dict[str, Any], alias: str | None) -> BaseEmailBackend:
    """One backend of the list, built as Django builds a mailer (its own validation runs)."""
    return import_string(entry["BACKEND"])(alias=alias, **entry.get("OPTIONS", {}))


class EmailBackend(BaseEmailBackend):
    """Send each message through the first of `backends` that takes it."""

    def __init__(self, *, backends: Iterable[dict[str, Any]], alias: str | None = None, **kwargs):
        super().__init__(alias=alias, **kwargs)
        self.mailer = alias or "default"
        self.members = [(entry["NAME"], build_member(entry, alias)) for entry in backends]
        self._open: set[str] = set()

    def open(self) -> bool:
        """Members open lazily, when a message first needs them."""
        return False

    def close(self) -> None:
        for name, member in self.members:
            if name in self._open:
                self._close(name, member)

    def send_messages(self, email_messages: Iterable[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            self._send(message)
            sent += 1
        return sent

    def _send(self, message: EmailMessage) -> None:
        now = timezone.now()
        failing = breaker.failing(self.mailer, [name for name, _ in self.members])
        passed_over: str | None = None
        last_error: BaseException | None = None
        for name, member in self.members:
            if breaker.is_open(failing.get(name), now):
                passed_over = name
                continue
            try:
                if name not in self._open and member.open():
                    self._open.add(name)
                member.send_messages([message])
            except Exception as error:
                if not fails_over(error):
                    logger.warning(
                        "mail_rejected",
                        mailer=self.mailer,
                        backend=name,
                        error=type(error).__name__,
                    )
                    raise
                self._close(name, member)  # a broken connection is not reused
                breaker.record_failure(self.mailer, name)
                logger.warning(
                    "mail_backend_failed",
                    mailer=self.mailer,
                    backend=name,
                    error=type(error).__name__,
                )
                passed_over, last_error = name, error
                continue
            if name in failing:
                breaker.record_success(self.mailer, name)
            if passed_over is not None:
                breaker.record_failover(self.mailer, passed_over, name)
                logger.info(
                    "mail_failover", mailer=self.mailer, from_backend=passed_over, to_backend=name
                )
            message.sent_by = name
            return
        if last_error is not None:
            raise last_error
        raise AllBackendsUnavailable(
            f"Every backend of mailer {self.mailer!r} is paused by its breaker."
        )

    def _close(self, name: str, member: BaseEmailBackend) -> None:
        self._open.discard(name)
        try:
            member.close()
        except Exception as error:
            logger.info("mail_backend_close_failed", backend=name, error=type(error).__name__)
