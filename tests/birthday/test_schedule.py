"""The hourly schedule: django-periodic-tasks enqueues the reminder pass, once per hour."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.tasks import default_task_backend
from django.utils import timezone
from django_periodic_tasks import schedule_registry
from django_periodic_tasks.models import ScheduledTask
from django_periodic_tasks.scheduler import PeriodicTaskScheduler
from django_periodic_tasks.sync import sync_code_schedules

from birthday import reminders
from birthday.models import ReminderPass
from tests.factories import BirthdayFactory


def test_the_pass_is_scheduled_every_hour():
    entry = schedule_registry.get_entries()["birthday.reminders"]
    assert entry.cron_expression == "0 * * * *"
    assert entry.task.module_path == "birthday.tasks.send_reminders"


@pytest.mark.django_db
def test_two_schedulers_enqueue_the_hours_pass_once(dummy_tasks):
    sync_code_schedules()
    ScheduledTask.objects.filter(name="birthday.reminders").update(
        next_run_at=timezone.now() - dt.timedelta(seconds=1)
    )
    for scheduler in (PeriodicTaskScheduler(), PeriodicTaskScheduler()):
        scheduler.tick()
    queued = [r.task.module_path for r in default_task_backend.results]
    assert queued == ["birthday.tasks.send_reminders"]
    scheduled = ScheduledTask.objects.get(name="birthday.reminders")
    assert scheduled.next_run_at > timezone.now()
    assert scheduled.next_run_at.minute == 0


@pytest.mark.django_db
def test_the_task_runs_one_pass_per_hour_however_often_it_is_queued():
    from birthday.tasks import send_reminders

    BirthdayFactory(birthday=dt.date(1990, 1, 1))
    send_reminders.enqueue()
    send_reminders.enqueue()  # a second scheduler, an admin's "run now", a retry
    assert ReminderPass.objects.filter(hour__isnull=False).count() == 1


@pytest.mark.django_db
def test_send_reminders_runs_a_pass_now(capsys):
    today = timezone.localdate()
    # Due today whatever the hour with --now; without it, only once 09:00 has come.
    BirthdayFactory(
        birthday=today.replace(year=1990)
        if (today.month, today.day) != (2, 29)
        else dt.date(1992, 2, 29)
    )
    call_command("send_reminders", "--now")
    assert "Reminders due: 1; accounts: 1." in capsys.readouterr().out
    assert ReminderPass.objects.get().hour is None


def test_the_admin_lists_the_passes(admin_client):
    reminders.run_pass(dt.datetime(2026, 5, 17, 6, 30, tzinfo=dt.UTC))
    page = admin_client.get("/admin/birthday/reminderpass/")
    assert page.status_code == 200
    assert "Проходы напоминаний" in page.text
    assert admin_client.get("/admin/birthday/reminderpass/add/").status_code == 403
