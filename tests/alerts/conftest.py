"""Fixtures for the alerts tests: a recipient list to count from, mail to a real SMTP server."""

import pytest

from alerts.models import AlertRecipient
from tests.support.smtp import use_smtp_mailer


@pytest.fixture
def no_default_recipient(db):
    """Tests that count recipients start without the migration's admin@acme.not."""
    AlertRecipient.objects.all().delete()


@pytest.fixture
def alerts_smtp(settings, smtp_server):
    """The `alerts` mailer sends to a real SMTP server on loopback."""
    use_smtp_mailer(settings, "alerts", smtp_server)
    return smtp_server
