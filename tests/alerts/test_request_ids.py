"""Across processes: an alert's lines in the worker carry the id of the request that raised it,
carried by the Alert row itself: nothing is written to the django-structlog cache for it. Two
events in a row queue one send pass, which sends both."""

import json
import sqlite3

import pytest

from tests.support.environments import prod_env
from tests.support.processes import manage

pytestmark = pytest.mark.slow

RAISE = (
    "import structlog; from alerts import kinds; from alerts.recording import record_event\n"
    "for request_id in ('req-one', 'req-two'):\n"
    "    with structlog.contextvars.bound_contextvars(request_id=request_id):\n"
    "        print(record_event(kinds.BEATLES_NAME_REJECTED.name, {'first_name': 'Ринго'}).pk)"
)


def test_the_worker_logs_each_alert_with_the_request_that_raised_it(tmp_path, smtp_server):
    env = prod_env(
        tmp_path,
        EMAIL_HOST=smtp_server.host,
        EMAIL_PORT=str(smtp_server.port),
        EMAIL_USE_TLS="false",
        ALERTS_THROTTLE="0",
        LOG_FORMAT="json",
    )
    assert manage(env, "migrate", "--noinput").returncode == 0
    raised = manage(env, "shell", "--no-imports", "-c", RAISE)
    assert raised.returncode == 0, raised.stderr
    first, second = (int(pk) for pk in raised.stdout.split()[-2:])

    worker = manage(env, "db_worker", "--batch", "--no-startup-delay")

    assert worker.returncode == 0, worker.stderr
    lines = [json.loads(line) for line in (worker.stdout + worker.stderr).splitlines()]
    sent = {line["alert_id"]: line for line in lines if line["event"] == "delivery_sent"}
    assert sent[first]["request_id"] == "req-one"
    assert sent[second]["request_id"] == "req-two"
    assert len(smtp_server.messages) == 2
    passes = [line for line in lines if line["event"] == "task_started"]
    assert [line["task"] for line in passes] == ["alerts.tasks.send_deliveries"]
    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        [(handed_over,)] = database.execute("SELECT count(*) FROM django_structlog_cache")
    assert handed_over == 0
