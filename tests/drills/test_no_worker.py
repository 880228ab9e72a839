"""Drill: no worker for longer than the stale limit, with deliveries due.

`/healthz` answers 200 while a real worker beats, 503 `worker` once it has been gone for
HEALTH_WORKER_STALE_SECONDS, and 200 again as soon as another one starts.
"""

import pytest

from core.models import WorkerHeartbeat
from tests.support.processes import wait_until
from tests.support.workers import WorkerPool, pending_deliveries, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STALE = 2


def test_healthz_says_worker_while_none_runs(client, settings, smtp_server, tmp_path):
    settings.HEALTH_WORKER_STALE_SECONDS = STALE
    pending_deliveries(1)  # due, and no task queued for it: it stays due for the whole drill
    env = worker_env(smtp_server.port, HEALTH_WORKER_STALE_SECONDS=str(STALE))

    def status() -> tuple[int, dict]:
        response = client.get("/healthz")
        return response.status_code, response.json()

    assert status() == (503, {"status": "worker"})  # none has ever run
    with WorkerPool(env, tmp_path) as pool:
        first = pool.start("first")
        wait_until(lambda: status()[0] == 200, 30, "/healthz 200 with a worker beating")
        first.stop()
        stopped_seen = WorkerHeartbeat.objects.get(worker_id="first").seen_at

        wait_until(lambda: status() == (503, {"status": "worker"}), STALE + 10, "503 worker")
        assert WorkerHeartbeat.objects.get(worker_id="first").seen_at == stopped_seen

        pool.start("second")
        wait_until(lambda: status() == (200, {"status": "ok"}), 30, "200 once a worker is back")
