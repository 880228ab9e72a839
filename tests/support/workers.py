"""Real task workers: `manage.py db_worker` processes on the test database, and their work.

The test process creates the rows (in a transactional test, so they are committed), runs the SMTP
server on loopback and enqueues tasks; the workers are separate processes with their own
environment, as in production, pointed at the same test database. Used by the drills and the
scale-out test.
"""

import os
from collections import Counter
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

from django.db import connection
from django.utils import timezone

from alerts import kinds
from alerts.models import Alert, AlertRecipient, Delivery, new_message_id
from alerts.windows import window_bounds
from tests.support.logs import json_lines
from tests.support.processes import Process, basic_env, manage_py, wait_until

CLAIM_TIMEOUT = 5
BATCH_SIZE = 20
WORKER_ARGS = ("db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2")


def database_url() -> str:
    """The test database, as a DATABASE_URL another process can use."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(smtp_port: int, **overrides: str) -> dict[str, str]:
    """A worker's environment: only what is set here, mail to the loopback SMTP server."""
    env = basic_env(
        DJANGO_SETTINGS_MODULE="settings.dev",
        DEBUG="False",
        DATABASE_URL=database_url(),
        EMAIL_BACKEND="smtp",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT="2.5",  # alerts.E003: a claim of CLAIM_TIMEOUT outlives two of them
        ALERTS_CLAIM_TIMEOUT=str(CLAIM_TIMEOUT),
        ALERTS_BATCH_SIZE=str(BATCH_SIZE),
        LOG_FORMAT="json",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(overrides)
    return env


class Worker(Process):
    """One `manage.py db_worker` process, logging JSON lines to `<log_dir>/<worker_id>.log`."""

    def __init__(self, worker_id: str, env: dict[str, str], log_dir: Path) -> None:
        self.worker_id = worker_id
        super().__init__(
            manage_py(*WORKER_ARGS, "--worker-id", worker_id), env, log_dir / f"{worker_id}.log"
        )

    def lines(self) -> list[dict]:
        return json_lines(self.log())

    def started(self) -> bool:
        return any("Starting worker" in str(line.get("event")) for line in self.lines())

    def has_open_smtp_connection(self, smtp_port: int) -> bool:
        """Mid-batch: the worker holds an ESTABLISHED connection to the SMTP server (Linux)."""
        fd_dir = Path(f"/proc/{self.pid}/fd")
        sockets = set()
        for fd in fd_dir.iterdir():
            try:
                sockets.add(os.readlink(fd))
            except OSError:  # closed meanwhile
                continue
        for row in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = row.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            established = fields[3] == "01"
            if remote_port == smtp_port and established and f"socket:[{fields[9]}]" in sockets:
                return True
        return False


class WorkerPool:
    """Workers started in a test, all stopped when it ends, whatever happened."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.workers: list[Worker] = []

    def start(self, worker_id: str) -> Worker:
        worker = Worker(worker_id, self.env, self.log_dir)
        self.workers.append(worker)
        return worker

    def wait_started(self, timeout: float = 30) -> None:
        wait_until(lambda: all(w.started() for w in self.workers), timeout, "workers start")

    def lines(self) -> list[dict]:
        return [line for worker in self.workers for line in worker.lines()]

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc_info) -> None:
        for worker in self.workers:
            worker.stop()


def pending_deliveries(count: int, recipients: int = 10) -> list[Delivery]:
    """`count` due individual deliveries, as recording would leave them, written in bulk."""
    AlertRecipient.objects.all().delete()
    people = AlertRecipient.objects.bulk_create(
        AlertRecipient(email=f"watcher{i}@acme.not") for i in range(recipients)
    )
    now = timezone.now()
    kind = kinds.BEATLES_NAME_REJECTED.name
    alerts = Alert.objects.bulk_create(
        Alert(
            kind=kind,
            occurred_at=now,
            fanned_out_at=now,
            payload={"first_name": "Ринго", "last_name": f"{i}"},
        )
        for i in range(count)
    )
    return Delivery.objects.bulk_create(
        Delivery(
            alert=alert,
            recipient=people[i % recipients],
            kind=kind,
            window_start=window_bounds(now)[0],
            next_attempt_at=now,
            message_id=new_message_id(),
        )
        for i, alert in enumerate(alerts)
    )


def arrivals(messages: list[EmailMessage]) -> Counter:
    """How many times each Message-ID reached the SMTP server."""
    return Counter(str(message["Message-ID"]) for message in messages)


def duplicates(messages: list[EmailMessage]) -> dict[str, int]:
    return {mid: n for mid, n in arrivals(messages).items() if n > 1}
