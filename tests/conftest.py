"""Fixtures shared by the whole suite."""

from collections.abc import Iterator

import pytest
from django.db import connection

from settings.mailers import build_anymail, build_mailers
from tests.factories import BirthdayFactory, UserFactory
from tests.support.environments import make_env
from tests.support.logs import RenderedLogs, logs_in
from tests.support.provider_api import ProviderAPI, serve_provider_api
from tests.support.services import require_or_skip
from tests.support.smtp import SMTPServer


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads go to a temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


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


@pytest.fixture
def json_logs():
    """Route every logger through the production (json) format into a buffer."""
    with logs_in("json") as stream:
        yield RenderedLogs(stream)


@pytest.fixture
def postgres_only():
    """For tests of PostgreSQL behaviour (row locks): skip elsewhere, or fail in CI."""
    require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL: set TEST_DATABASE_URL")


@pytest.fixture
def smtp_server():
    """A running SMTP server on loopback that records messages and counts connections."""
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_http_server() -> Iterator[ProviderAPI]:
    """A provider's HTTP API on loopback, for mail through a real Anymail backend."""
    with serve_provider_api() as api:
        yield api


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
