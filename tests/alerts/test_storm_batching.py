"""A storm of queued alerts to one recipient goes out in batches, not a connection per email."""

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
def test_queued_tasks_drain_the_backlog_over_one_connection_per_batch(
    alerts_smtp, db_tasks, django_capture_on_commit_callbacks
):
    for second in range(25):
        with django_capture_on_commit_callbacks(execute=True):
            record_event(
                kinds.BEATLES_NAME_REJECTED.name,
                PAYLOAD,
                now=WINDOW_START + dt.timedelta(seconds=second),
            )
    queued = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert len(queued) == 25  # one task per alert, as the worker will find them

    for task in queued:  # what db_worker does, in order
        task.task.call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"])

    assert len(alerts_smtp.messages) == 25
    assert alerts_smtp.connections == 3  # batches of 10, 10 and 5: the later tasks found none
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
