import datetime as dt

import pytest

from alerts.models import AlertRecipient
from tests.conftest import use_smtp_mailer

# A moment at the start of a 600-second throttle window (epoch-aligned), for controlled time.
WINDOW_START = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def no_default_recipient(db):
    """Tests that count recipients start without the migration's admin@acme.not."""
    AlertRecipient.objects.all().delete()


@pytest.fixture
def alerts_smtp(settings, smtp_server):
    """The `alerts` mailer sends to a real SMTP server on loopback."""
    use_smtp_mailer(settings, "alerts", smtp_server)
    return smtp_server
