"""Fixtures shared by the whole suite."""

import email
import email.policy
import io
import json
import logging.config
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import environ
import pytest
import structlog
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection

from settings.logging import build_logging
from settings.mailers import build_anymail, build_mailers
from tests.factories import BirthdayFactory, UserFactory
from tests.ports import free_port
from tests.provider_api import ProviderAPI, serve_provider_api


def require_or_skip(available: bool, reason: str) -> None:
    """Skip when a service is missing, unless CI requires it (REQUIRE_SERVICES=1): then fail."""
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads go to a temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_default_cache():
    """The per-process cache (rate-limit counters without a shared cache) starts empty."""
    caches["default"].clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def birthday(user):
    return BirthdayFactory(author=user)


class RenderedLogs:
    """What the production (json) log format wrote: the lines as dicts, or the raw text."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def __call__(self) -> list[dict]:
        return [json.loads(line) for line in self.text().splitlines()]

    def text(self) -> str:
        return self.stream.getvalue()


@contextmanager
def logs_in(log_format: str, level: str = "DEBUG") -> Iterator[io.StringIO]:
    """Route every logger through `log_format` into a buffer; the test settings' come back after."""
    stream = io.StringIO()
    config = build_logging(log_format, level)
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    structlog.configure(cache_logger_on_first_use=False)  # as settings.test has it
    try:
        yield stream
    finally:
        logging.config.dictConfig(django_settings.LOGGING)


@pytest.fixture
def json_logs():
    """Route every logger through the production (json) format into a buffer."""
    with logs_in("json") as stream:
        yield RenderedLogs(stream)


@pytest.fixture
def postgres_only():
    """For tests of PostgreSQL behaviour (row locks): skip elsewhere, or fail in CI."""
    require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL: set TEST_DATABASE_URL")


class RecordingHandler:
    """An aiosmtpd handler that keeps what it receives, or answers with `reply` instead."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.connections = 0
        self.reply: str | None = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted"


class SMTPServer:
    """A real SMTP server on loopback. `refuse("451 ...")`, `accept()`, `stop()`, `start()`.

    With `credentials` (login, password) it demands AUTH, and keeps the logins it accepted.
    """

    host = "127.0.0.1"

    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        self.port = free_port()
        self.credentials = credentials
        self.handler = RecordingHandler()
        self.logins: list[str] = []
        self.controller: Controller | None = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        given = (
            (auth_data.login.decode(), auth_data.password.decode())
            if isinstance(auth_data, LoginPassword)
            else None
        )
        if given == self.credentials:
            self.logins.append(given[0])
        return AuthResult(success=given == self.credentials)

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return self.handler.messages

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        """(MAIL FROM, RCPT TO) of every accepted message."""
        return self.handler.envelopes

    @property
    def connections(self) -> int:
        return self.handler.connections

    def refuse(self, reply: str = "451 4.3.0 Try again later") -> None:
        self.handler.reply = reply

    def accept(self) -> None:
        self.handler.reply = None

    def start(self) -> None:
        auth = (
            {"authenticator": self._authenticate, "auth_required": True} if self.credentials else {}
        )
        self.controller = Controller(
            self.handler, hostname=self.host, port=self.port, auth_require_tls=False, **auth
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def mailer(self) -> dict:
        """A MAILERS entry that sends here."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": self.host, "port": self.port, "timeout": 5},
        }


@pytest.fixture
def smtp_server():
    """A running SMTP server on loopback that records messages and counts connections."""
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def use_smtp_mailer(settings, alias: str, server: SMTPServer) -> None:
    """Point one MAILERS alias at the loopback server (the test runner made them all locmem)."""
    settings.MAILERS = {**settings.MAILERS, alias: server.mailer()}


@pytest.fixture
def mail_http_server() -> Iterator[ProviderAPI]:
    """A provider's HTTP API on loopback, for mail through a real Anymail backend."""
    with serve_provider_api() as api:
        yield api


def make_env(**variables: str) -> environ.Env:
    """An environ.Env that sees only these variables, as if they were the process environment."""
    env = environ.Env()
    env.ENVIRON = dict(variables)
    return env


@pytest.fixture
def environment(settings, tmp_path):
    """Apply an environment to the mail settings, as settings/base.py does at start-up."""

    def apply(**variables: str) -> None:
        env = make_env(**variables)
        settings.MAILERS = build_mailers(env, file_path=tmp_path / "sent_emails")
        settings.ANYMAIL = build_anymail(env)

    return apply


@pytest.fixture
def db_tasks(settings):
    """Tasks are stored in the database, as in production: queued and deferred ones can be read."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def dummy_tasks(settings):
    """Tasks are queued in memory and never run: what a request leaves behind can be read."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def link_in(message) -> str:
    """The one password reset link in an email, as sent (Django's) or as an SMTP server got it.

    The HTML part must carry the same link.
    """
    if isinstance(message, email.message.EmailMessage):
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
    else:
        text = message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
    pattern = re.escape(django_settings.SITE_URL) + r"/auth/reset/[^/\s]+/[^/\s]+/"
    links = set(re.findall(pattern, text))
    assert len(links) == 1, text
    (link,) = links
    assert f'href="{link}"' in html
    return link
