"""`manage.py db_worker`: django-tasks-db's worker that outlives the database (core/workers.py).

Same options as upstream's; core comes before django_tasks_db in INSTALLED_APPS, so this command
is the one every `db_worker` (make run, the Procfile, the drills) starts.
"""

from django_tasks_db.management.commands import db_worker

from core.workers import Worker


class Command(db_worker.Command):
    help = "Run a database background worker that survives database errors and records a heartbeat"

    def handle(self, *args, **options) -> None:
        original = db_worker.Worker
        db_worker.Worker = Worker  # upstream's handle() builds `Worker(...)` from its module
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original
