"""Task workers that outlive the database, and the heartbeat that tells /healthz they run.

`manage.py db_worker` (core/management/commands/db_worker.py) is django-tasks-db's worker with
two additions:

- A database error in its loop (SQLite's write lock held past the busy timeout, a PostgreSQL
  connection dropped by a restart or failover, a database that is read-only for a while) is
  logged and retried with backoff instead of ending the process. Upstream only ignores a lock
  met while picking a task; one met while opening that transaction, or while recording a
  task's result, escapes its loop.
- A heartbeat thread records the worker in WorkerHeartbeat every `beat_interval()` seconds, so
  /healthz can tell "no worker runs" from "nothing to do". A thread, not the loop: a worker busy
  sending a long batch is alive too.
"""

import datetime as dt
import os
import socket
import threading
import time

import structlog
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, connections
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.utils import is_locked_database_exception

from .models import WorkerHeartbeat

logger = structlog.get_logger(__name__)

# Database errors: 1 s after the first, doubling up to 30 s; a quiet minute starts over.
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0
FORGET_AFTER = dt.timedelta(days=1)


def beat_interval() -> float:
    """A quarter of the stale limit: three beats may be missed before /healthz says `worker`."""
    return min(max(settings.HEALTH_WORKER_STALE_SECONDS / 4, 1.0), 15.0)


def database_backoff(failures: int) -> float:
    return min(BACKOFF_BASE * 2 ** (failures - 1), BACKOFF_CAP)


def record_heartbeat(
    worker_id: str, *, started_at: dt.datetime, now: dt.datetime | None = None
) -> None:
    """Upsert this worker's row; rows of workers gone for a day are forgotten."""
    now = now or timezone.now()
    fields = {
        "hostname": socket.gethostname()[:255],
        "pid": os.getpid(),
        "started_at": started_at,
        "seen_at": now,
    }
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(**fields):
        WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults=fields)
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


def workers_seen_since(moment: dt.datetime) -> int:
    return WorkerHeartbeat.objects.filter(seen_at__gte=moment).count()


class Heartbeat(threading.Thread):
    """Beats at once, then every `interval` seconds until stopped; a failed beat is logged."""

    def __init__(self, worker_id: str, interval: float) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while True:
                self.beat()
                if self._stopped.wait(self.interval):
                    return
        finally:
            connection.close()  # this thread's own connection

    def beat(self) -> None:
        try:
            close_old_connections()
            record_heartbeat(self.worker_id, started_at=self.started_at)
        except DatabaseError as error:
            connection.close()
            logger.warning(
                "worker_heartbeat_failed",
                worker_id=self.worker_id,
                error=type(error).__name__,
                locked=_is_lock(error),
            )

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=self.interval + 30)


class Worker(db_worker.Worker):
    """django-tasks-db's worker, run again after a database error instead of exiting."""

    def run(self) -> None:
        heartbeat = Heartbeat(self.worker_id, beat_interval())
        heartbeat.start()
        try:
            self._run_through_database_errors()
        finally:
            heartbeat.stop()

    def _run_through_database_errors(self) -> None:
        failures, last_failure = 0, 0.0
        while self.running:
            try:
                super().run()
                return
            except DatabaseError as error:
                if time.monotonic() - last_failure > 2 * BACKOFF_CAP:
                    failures = 0
                failures += 1
                last_failure = time.monotonic()
                delay = database_backoff(failures)
                # The class only: a driver's message may quote row values.
                logger.warning(
                    "worker_database_error",
                    worker_id=self.worker_id,
                    error=type(error).__name__,
                    locked=_is_lock(error),
                    failures=failures,
                    retry_in=delay,
                )
                _drop_connections()
                self.startup_delay = False
                time.sleep(delay)


def _is_lock(error: DatabaseError) -> bool:
    return bool(error.args) and is_locked_database_exception(error)


def _drop_connections() -> None:
    """A connection that failed may be half-open or mid-transaction: start from a new one."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except DatabaseError:
            conn.connection = None
