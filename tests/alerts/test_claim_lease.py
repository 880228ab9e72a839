"""A live worker's claim never expires: its lease is renewed while the batch is sent, a sweep
follows each claim until it is done, and `manage.py check` refuses settings that could still
send twice (alerts.E003)."""

import datetime as dt
import time

import pytest
from django_tasks_db.models import DBTaskResult

from alerts import kinds
from alerts.checks import check_claim_timeout
from alerts.delivery import Lease, claim, release_expired_claims
from alerts.models import AlertRecipient, Delivery
from alerts.tasks import run_sweep
from tests.factories import AlertRecipientFactory
from tests.support.moments import WINDOW_START
from tests.support.pipeline import record
from tests.support.smtp import failover_mailer

Status = Delivery.Status
T = WINDOW_START
pytestmark = pytest.mark.django_db


def claimed(count: int) -> tuple[str, list[Delivery]]:
    AlertRecipient.objects.all().delete()
    AlertRecipientFactory.create_batch(count)
    record(kinds.BEATLES_NAME_REJECTED.name, {"first_name": "Ринго"}, now=T)
    return claim(now=T)


def test_the_lease_moves_every_claim_of_the_token_forward(settings):
    settings.ALERTS_CLAIM_TIMEOUT = 0.3  # renewed every 0.1 s
    token, batch = claimed(3)
    lease = Lease(token, T)
    assert lease.holds(batch[0].pk)  # fresh: nothing to renew yet
    assert set(Delivery.objects.values_list("claimed_at", flat=True)) == {T}

    time.sleep(0.15)
    assert lease.holds(batch[1].pk)
    renewed = set(Delivery.objects.values_list("claimed_at", flat=True))
    (moment,) = renewed
    assert T + dt.timedelta(seconds=0.15) <= moment < T + dt.timedelta(seconds=1)
    # What the sweep sees: not expired at the original expiry.
    release_expired_claims(now=T + dt.timedelta(seconds=0.31))
    assert Delivery.objects.filter(status=Status.SENDING).count() == 3


def test_a_delivery_the_sweep_took_away_is_not_sent_here(settings):
    settings.ALERTS_CLAIM_TIMEOUT = 0.3
    token, batch = claimed(2)
    lease = Lease(token, T)
    # The worker was paused past its lease; the sweep gave the first one to another worker.
    Delivery.objects.filter(pk=batch[0].pk).update(status=Status.PENDING, claimed_by="")
    time.sleep(0.15)
    assert not lease.holds(batch[0].pk)
    assert lease.holds(batch[1].pk)


def test_a_sweep_follows_its_claim_while_the_lease_is_renewed(db_tasks, settings):
    settings.ALERTS_CLAIM_TIMEOUT = 300
    token, _ = claimed(2)
    renewed_at = T + dt.timedelta(seconds=250)
    Delivery.objects.filter(claimed_by=token).update(claimed_at=renewed_at)

    run_sweep(now=T + dt.timedelta(seconds=300), token=token)  # the sweep the claim queued

    assert Delivery.objects.filter(status=Status.SENDING).count() == 2  # alive: not released
    [follow_up] = DBTaskResult.objects.filter(task_path="alerts.tasks.sweep")
    assert follow_up.run_after == renewed_at + dt.timedelta(seconds=300)
    assert follow_up.args_kwargs["kwargs"] == {"token": token}


def test_a_finished_claim_needs_no_more_sweeps(db_tasks):
    token, _ = claimed(1)
    Delivery.objects.filter(claimed_by=token).update(status=Status.SENT, claimed_by="")
    run_sweep(token=token)
    assert not DBTaskResult.objects.filter(task_path="alerts.tasks.sweep").exists()


def smtp_mailer(timeout: float) -> dict:
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "smtp.example.com", "timeout": timeout},
    }


def test_check_refuses_a_claim_that_one_slow_email_could_outlast(settings):
    settings.MAILERS = {**settings.MAILERS, "alerts": smtp_mailer(10)}
    settings.ALERTS_CLAIM_TIMEOUT = 15
    (error,) = check_claim_timeout()
    assert error.id == "alerts.E003"
    assert "ALERTS_CLAIM_TIMEOUT=15 s is too short" in error.msg
    assert "at least 20" in error.hint
    settings.ALERTS_CLAIM_TIMEOUT = 20
    assert check_claim_timeout() == []


def test_the_batch_size_plays_no_part(settings):
    """The README's old rule (batch × timeout) is gone: the lease is renewed between messages."""
    settings.MAILERS = {**settings.MAILERS, "alerts": smtp_mailer(10)}
    settings.ALERTS_BATCH_SIZE = 50
    settings.ALERTS_CLAIM_TIMEOUT = 300
    assert check_claim_timeout() == []


def test_check_adds_up_a_failover_list(settings):
    settings.ANYMAIL = {"REQUESTS_TIMEOUT": 20}
    settings.MAILERS = {
        **settings.MAILERS,
        "alerts": failover_mailer(
            postmark={"BACKEND": "anymail.backends.postmark.EmailBackend"}, smtp=smtp_mailer(10)
        ),
    }
    settings.ALERTS_CLAIM_TIMEOUT = 59
    (error,) = check_claim_timeout()
    assert "up to 30 s" in error.msg
    settings.ALERTS_CLAIM_TIMEOUT = 60
    assert check_claim_timeout() == []


def test_check_passes_the_defaults_and_instant_backends(settings):
    assert check_claim_timeout() == []  # locmem in tests, file in development
