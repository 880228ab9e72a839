"""Fixtures shared by the whole suite."""

import os

import pytest

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
