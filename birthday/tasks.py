"""The hourly reminder pass, as a task the scheduler (django-periodic-tasks) enqueues.

The scheduler process (`manage.py run_scheduler`) only enqueues it at minute 0 of every hour;
a task worker (`manage.py db_worker`) runs it. See birthday/reminders.py.
"""

from django.tasks import task
from django_periodic_tasks import scheduled_task

from . import reminders


@scheduled_task(cron="0 * * * *", name="birthday.reminders")
@task
def send_reminders() -> None:
    reminders.run_pass()
