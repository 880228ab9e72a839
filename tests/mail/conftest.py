"""Fixtures for the mail tests: an SMTP server that demands AUTH, on loopback."""

from collections.abc import Iterator

import pytest

from tests.support.smtp import SMTP_LOGIN, SMTP_PASSWORD, SMTPServer


@pytest.fixture
def auth_smtp_server() -> Iterator[SMTPServer]:
    """An SMTP server on loopback that demands AUTH with SMTP_LOGIN / SMTP_PASSWORD."""
    server = SMTPServer(credentials=(SMTP_LOGIN, SMTP_PASSWORD))
    server.start()
    yield server
    server.stop()
