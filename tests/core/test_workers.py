"""core's `db_worker`: django-tasks-db's worker that lives through database errors and beats.

The drills run real worker processes against a locked or refusing database
(tests/drills/test_database_refused.py); these tests drive the same loop in this process.
"""

import datetime as dt
import os

import pytest
import structlog
from django.core.management import get_commands
from django.db import OperationalError, connection
from django.utils import timezone

from core import workers
from core.models import WorkerHeartbeat


def test_db_worker_is_cores():
    """core comes before django_tasks_db in INSTALLED_APPS, so `manage.py db_worker` is ours."""
    assert get_commands()["db_worker"] == "core"


@pytest.mark.django_db
def test_a_heartbeat_is_one_row_per_worker_and_old_ones_are_forgotten():
    started = timezone.now() - dt.timedelta(minutes=5)
    gone = timezone.now() - dt.timedelta(days=2)
    WorkerHeartbeat.objects.create(worker_id="gone", started_at=gone, seen_at=gone)
    workers.record_heartbeat("w1", started_at=started)
    workers.record_heartbeat("w1", started_at=started)
    (beat,) = WorkerHeartbeat.objects.all()
    assert (beat.worker_id, beat.started_at, beat.pid) == ("w1", started, os.getpid())
    assert timezone.now() - beat.seen_at < dt.timedelta(seconds=5)


def test_the_beat_and_the_backoff_follow_the_settings(settings):
    settings.HEALTH_WORKER_STALE_SECONDS = 60
    assert workers.beat_interval() == 15
    settings.HEALTH_WORKER_STALE_SECONDS = 2
    assert workers.beat_interval() == 1
    assert [workers.database_backoff(n) for n in (1, 2, 3, 6, 20)] == [1, 2, 4, 30, 30]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_loop_lives_through_database_errors(monkeypatch, db_tasks):
    """The queue's poll fails three times as a dropped connection makes it; the worker goes on.

    (Upstream already ignores a *lock* met by that SELECT; not one met elsewhere, nor a dropped
    connection: see the drills for both with real databases.)"""
    from tests.settings.tasks import log_a_line

    log_a_line.enqueue()
    failures = {"left": 3}

    def locked_at_first(execute, sql, params, many, context):
        if failures["left"] and sql.startswith("SELECT") and "_dbtaskresult" in sql:
            failures["left"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    waits = []
    monkeypatch.setattr(workers.time, "sleep", waits.append)
    worker = workers.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,  # stops once the queue is empty
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with structlog.testing.capture_logs() as logs, connection.execute_wrapper(locked_at_first):
        worker.run()

    errors = [line for line in logs if line["event"] == "worker_database_error"]
    assert [(e["error"], e["locked"], e["failures"]) for e in errors] == [
        ("OperationalError", False, 1),
        ("OperationalError", False, 2),
        ("OperationalError", False, 3),
    ]
    assert waits[:3] == [1.0, 2.0, 4.0]
    assert any(line["event"] == "test_task_ran" for line in logs)  # and then it did its work
    assert WorkerHeartbeat.objects.filter(worker_id="test-worker").exists()
