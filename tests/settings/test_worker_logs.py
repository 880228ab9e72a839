"""Across processes: a worker's lines carry the request id of the request that enqueued the task."""

import json

import pytest

from tests.support.environments import prod_env
from tests.support.processes import manage

pytestmark = pytest.mark.slow

ENQUEUE = (
    "import structlog; from tests.settings.tasks import log_a_line\n"
    "with structlog.contextvars.bound_contextvars(request_id='req-from-web', user_id=7):\n"
    "    print(log_a_line.enqueue().id)"
)


def test_task_lines_in_the_worker_carry_the_request_id(tmp_path):
    env = prod_env(tmp_path)
    assert manage(env, "migrate", "--noinput").returncode == 0
    enqueued = manage(env, "shell", "--no-imports", "-c", ENQUEUE)
    assert enqueued.returncode == 0, enqueued.stderr
    task_id = enqueued.stdout.strip().splitlines()[-1]

    worker = manage(env, "db_worker", "--batch", "--no-startup-delay")
    assert worker.returncode == 0, worker.stderr
    lines = [json.loads(line) for line in (worker.stdout + worker.stderr).splitlines()]
    [ran] = [line for line in lines if line["event"] == "test_task_ran"]
    assert ran["request_id"] == "req-from-web"
    assert ran["user_id"] == 7
    assert ran["task_id"] == task_id
