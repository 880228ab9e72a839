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


@pytest.fixture
def db_tasks(settings):
    """Tasks are queued in the database, as in production, so deferred tasks can be seen."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# A provider HTTP API on loopback, for alert email through a real Anymail backend.
from tests.mail.conftest import mail_http_server  # noqa: E402, F401
