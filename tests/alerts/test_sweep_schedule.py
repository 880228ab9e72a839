"""The sweep also runs every minute (the scheduler): what a failed pass left due goes out."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_periodic_tasks import schedule_registry
from django_periodic_tasks.models import ScheduledTask
from django_periodic_tasks.scheduler import PeriodicTaskScheduler
from django_periodic_tasks.sync import sync_code_schedules

from alerts import kinds
from alerts.models import Delivery
from tests.support.pipeline import record


def test_the_sweep_is_scheduled_every_minute():
    entry = schedule_registry.get_entries()["alerts.sweep"]
    assert entry.cron_expression == "* * * * *"
    assert entry.task.module_path == "alerts.tasks.sweep"


@pytest.mark.django_db
def test_a_due_delivery_no_task_was_left_for_goes_out_with_the_next_minute():
    # Recorded and fanned out, but the pass that should have sent it never ran (no task queued).
    alert = record(kinds.BEATLES_NAME_REJECTED.name, {"first_name": "Ринго", "last_name": "Старр"})
    assert alert.deliveries.get().status == Delivery.Status.PENDING

    sync_code_schedules()
    ScheduledTask.objects.filter(name="alerts.sweep").update(
        next_run_at=timezone.now() - dt.timedelta(seconds=1)
    )
    PeriodicTaskScheduler().tick()  # the tests' immediate task backend runs what it enqueues

    assert alert.deliveries.get().status == Delivery.Status.SENT
    assert len(mail.outbox) == 1
