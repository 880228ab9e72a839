"""Fixtures shared by the whole suite."""

import io
import json
import logging.config
import os

import pytest
import structlog
from django.conf import settings as django_settings

from settings.logging import build_logging
from tests.factories import BirthdayFactory, UserFactory


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


@pytest.fixture
def json_logs():
    """Route every logger through the production (json) format into a buffer."""
    stream = io.StringIO()
    config = build_logging("json", "DEBUG")
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    structlog.configure(cache_logger_on_first_use=False)  # as settings.test has it
    yield RenderedLogs(stream)
    logging.config.dictConfig(django_settings.LOGGING)
