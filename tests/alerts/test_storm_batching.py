"""A storm of queued alerts to one recipient goes out in batches over one connection for the
whole pass, not a connection per email or per batch, from one queued send pass: the events
recorded while it waits queue nothing more."""

import datetime as dt

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from alerts import kinds
from alerts.models import Delivery
from alerts.recording import record_event
from tests.support.moments import WINDOW_START

pytestmark = pytest.mark.django_db

PAYLOAD = {"first_name": "Ринго", "last_name": "Старр", "user_id": None, "username": None}


@override_settings(ALERTS_THROTTLE=0, ALERTS_BATCH_SIZE=10)
def test_queued_tasks_drain_the_backlog_in_batches_over_one_connection(
    alerts_smtp, db_tasks, django_capture_on_commit_callbacks
):
    for second in range(25):
        with django_capture_on_commit_callbacks(execute=True):
            record_event(
                kinds.BEATLES_NAME_REJECTED.name,
                PAYLOAD,
                now=WINDOW_START + dt.timedelta(seconds=second),
            )
    [queued] = DBTaskResult.objects.all()  # one pass waits for the whole storm

    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])  # as db_worker

    assert len(alerts_smtp.messages) == 25
    assert alerts_smtp.connections == 1  # batches of 10, 10 and 5, one connection kept open
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
