"""Drill: the database refuses the worker for longer than its timeouts; the worker lives on.

SQLite: another process holds the write lock for 30 s (the busy timeout is 20 s). PostgreSQL:
the database takes no connections for 10 s and the worker's are terminated, as in a failover.
Either way the worker logs `worker_database_error`, waits, tries again, keeps its heartbeat, and
sends the next alert as soon as the database is back. Real `db_worker` processes.
"""

import contextlib
import sqlite3
import time

import psycopg
import pytest
from django.db import connection

from alerts.tasks import send_deliveries
from core.models import WorkerHeartbeat
from tests.support.processes import wait_until
from tests.support.workers import WorkerPool, pending_deliveries, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LOCK_SECONDS = 30


@contextlib.contextmanager
def maintenance_connection():
    """A connection to the server's `postgres` database: ALTER DATABASE needs another one."""
    db = connection.settings_dict
    admin = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    try:
        yield admin
    finally:
        admin.close()


def database_errors(worker) -> list[dict]:
    return [line for line in worker.lines() if line.get("event") == "worker_database_error"]


def sends_afterwards(worker, smtp_server) -> None:
    beat_before = WorkerHeartbeat.objects.get(worker_id=worker.worker_id).seen_at
    pending_deliveries(3)
    send_deliveries.enqueue()
    wait_until(lambda: len(smtp_server.messages) == 3, 30, "the alerts after the outage")
    wait_until(
        lambda: WorkerHeartbeat.objects.get(worker_id=worker.worker_id).seen_at > beat_before,
        30,
        "a heartbeat after the outage",
    )
    assert worker.running()


def test_the_sqlite_write_lock_held_30_s(db_tasks, smtp_server, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock; on PostgreSQL the drill below refuses connections")
    with WorkerPool(worker_env(smtp_server.port), tmp_path) as pool:
        worker = pool.start("w1")
        pool.wait_started()
        wait_until(lambda: WorkerHeartbeat.objects.exists(), 30, "the first heartbeat")

        lock = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # the write lock, as a long migration or backup holds it
        try:
            time.sleep(LOCK_SECONDS)
            assert worker.running(), worker.log()
        finally:
            lock.execute("ROLLBACK")
            lock.close()

        errors = database_errors(worker)
        assert errors, worker.log()
        assert errors[0]["locked"] is True
        sends_afterwards(worker, smtp_server)


@pytest.mark.postgres
def test_postgres_refusing_connections_for_10_s(postgres_only, db_tasks, smtp_server, tmp_path):
    name = connection.settings_dict["NAME"]
    with WorkerPool(worker_env(smtp_server.port), tmp_path) as pool:
        worker = pool.start("w1")
        pool.wait_started()
        wait_until(lambda: WorkerHeartbeat.objects.exists(), 30, "the first heartbeat")

        with maintenance_connection() as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            try:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> %s",
                    [name, connection.connection.info.backend_pid],
                )
                wait_until(lambda: database_errors(worker), 30, "the worker to meet the outage")
                time.sleep(10)
                assert worker.running(), worker.log()
            finally:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

        sends_afterwards(worker, smtp_server)
