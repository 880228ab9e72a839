"""Drill: the mail server is down while 100 Beatles are refused through the real form.

The site keeps answering (400 with the Beatles error), nothing is lost, nothing arrives early,
and once the server is back every alert arrives exactly once. Workers are played by the plain
delivery functions with a controlled clock (the retries wait for their backoff).
"""

import datetime as dt
import itertools
from collections import Counter

import pytest
from django.utils import timezone

from alerts.models import Delivery
from alerts.tasks import run_send, run_sweep
from tests.support.smtp import use_smtp_mailer
from tests.support.texts import BEATLES_ERROR
from tests.support.workers import arrivals

pytestmark = pytest.mark.slow

BEATLES = itertools.cycle(
    [("Ринго", "Старр"), ("John", "Lennon"), ("пол", "МАККАРТНИ"), ("George", "Harrison")]
)
Status = Delivery.Status


def latest_retry() -> dt.datetime:
    return max(Delivery.objects.values_list("next_attempt_at", flat=True))


@pytest.mark.django_db
def test_mail_server_down_then_back(
    settings, dummy_tasks, user_client, smtp_server, record_property
):
    use_smtp_mailer(settings, "alerts", smtp_server)
    settings.ALERTS_THROTTLE = 0
    settings.BIRTHDAY_REJECTION_LIMIT = 100  # one user refused 100 times: all recorded
    smtp_server.stop()
    clock = timezone.now()

    for _ in range(4):  # raise 25 alerts, then a worker tries (and fails) to send what is due
        for _ in range(25):
            first_name, last_name = next(BEATLES)
            response = user_client.post(
                "/birthday/create/",
                {"first_name": first_name, "last_name": last_name, "birthday": "1940-07-07"},
            )
            assert response.status_code == 400
            assert BEATLES_ERROR in response.text
        waits = Delivery.objects.values_list("next_attempt_at", flat=True)
        clock = max([clock, *waits]) + dt.timedelta(seconds=1)
        assert run_send(None, now=clock) == 0

    deliveries = Delivery.objects.all()
    assert deliveries.count() == 100
    assert set(deliveries.values_list("status", flat=True)) == {Status.PENDING}
    assert deliveries.filter(last_error__startswith="ConnectionRefusedError").count() == 100
    assert smtp_server.messages == []

    smtp_server.start()
    # Back, but no retry is due yet: nothing is sent ahead of its backoff.
    assert run_sweep(now=clock) == 0
    assert smtp_server.messages == []

    assert run_sweep(now=latest_retry()) == 100
    arrived = arrivals(smtp_server.messages)
    assert arrived == Counter(deliveries.values_list("message_id", flat=True))
    assert set(arrived.values()) == {1}
    assert set(deliveries.values_list("status", flat=True)) == {Status.SENT}
    assert run_sweep(now=latest_retry() + dt.timedelta(hours=1)) == 0
    record_property("failed_attempts", sum(d.attempts - 1 for d in deliveries))
