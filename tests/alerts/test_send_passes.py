"""One send pass waits at a time: events recorded while it waits to start queue no other task.

That is safe because a pass that has not started will fan out and send everything committed
before it starts; a running pass or a deferred retry does not count.
"""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction

from alerts import kinds
from alerts.fanout import fan_out
from alerts.models import Alert
from alerts.recording import record_event
from alerts.tasks import dispatch_at, send_deliveries

BEATLES = kinds.BEATLES_NAME_REJECTED.name
PAYLOAD = {"first_name": "Ринго", "last_name": "Старр", "user_id": None, "username": None}
pytestmark = pytest.mark.django_db


@pytest.fixture
def raise_alert(db_tasks, django_capture_on_commit_callbacks):
    def raise_one() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            record_event(BEATLES, PAYLOAD)

    return raise_one


def send_passes(**filters):
    return DBTaskResult.objects.filter(task_path=send_deliveries.module_path, **filters)


def test_two_events_leave_one_waiting_send_pass(raise_alert):
    raise_alert()
    raise_alert()

    [waiting] = send_passes()
    assert waiting.status == TaskResultStatus.READY
    assert waiting.run_after == get_date_max()  # due now, not deferred


def test_an_event_after_the_pass_started_queues_another(raise_alert):
    raise_alert()
    send_passes().update(status=TaskResultStatus.RUNNING)  # a worker took it, maybe past fan-out

    raise_alert()
    raise_alert()

    assert send_passes(status=TaskResultStatus.RUNNING).count() == 1
    assert send_passes(status=TaskResultStatus.READY).count() == 1


def test_a_deferred_retry_does_not_stand_for_a_pass_now(raise_alert):
    dispatch_at([1, 2], timezone.now() + dt.timedelta(minutes=5))

    raise_alert()

    deferred, now = sorted(send_passes(), key=lambda row: row.run_after == get_date_max())
    assert deferred.args_kwargs["kwargs"] == {"ids": [1, 2]}
    assert now.run_after == get_date_max() and now.args_kwargs["kwargs"] == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_waiting_pass_a_worker_claims_before_the_commit_never_strands_the_alert(db_tasks):
    """The request saw a pass waiting and queued none; a worker claims that pass before the
    request commits. Either the claim waits for the commit and its fan-out sees the alert
    (SQLite's write lock), or it misses the alert and a new pass waits for it (PostgreSQL)."""
    send_deliveries.enqueue()  # the waiting pass
    checked, fanned = threading.Event(), []

    def worker() -> None:
        checked.wait(10)
        try:
            with exclusive_transaction():  # as db_worker claims a task
                DBTaskResult.objects.ready().get_locked().claim("worker-1")
            fanned.append(fan_out().alerts)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    with transaction.atomic():  # the request's transaction, still open when the worker claims
        record_event(BEATLES, PAYLOAD)
        checked.set()
        time.sleep(0.3)
    thread.join(30)

    [alert] = Alert.objects.all()
    waiting = send_passes(status=TaskResultStatus.READY, run_after=get_date_max())
    assert fanned and send_passes(status=TaskResultStatus.RUNNING).count() == 1
    assert (fanned == [1] and alert.fanned_out_at is not None) or waiting.exists()
