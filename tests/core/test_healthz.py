"""/healthz: the status for anyone, the details for the operator's token, whatever the Host.

503 `database` when the database cannot be written; 503 `worker` when work is due and no worker
has beaten for HEALTH_WORKER_STALE_SECONDS.
"""

import datetime as dt

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.utils import timezone

from core import health
from core.models import WorkerHeartbeat
from tests.support.ports import free_port

TOKEN = "operator-token-for-tests"


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.HEALTH_WORKER_STALE_SECONDS = 60


def swap_default_connection(**changes):
    original = connections["default"]
    settings_dict = {**original.settings_dict, **changes}
    swapped = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = swapped
    return original, swapped


@pytest.fixture
def unreachable_database(tmp_path):
    """Swap the default connection for one whose server (or file) does not exist."""
    if connections["default"].vendor == "sqlite":
        changes = {"NAME": str(tmp_path / "no-such-folder" / "db.sqlite3")}
    else:
        changes = {"HOST": "127.0.0.1", "PORT": free_port(), "OPTIONS": {"connect_timeout": 2}}
    original, dead = swap_default_connection(**changes)
    yield
    dead.close()
    connections["default"] = original


@pytest.fixture
def read_only_database():
    """The same database, opened read-only: it answers every SELECT and refuses every write."""
    current = connections["default"]
    if current.vendor == "sqlite":
        changes = {"NAME": f"file:{current.settings_dict['NAME']}?mode=ro"}
    else:
        options = {
            **current.settings_dict["OPTIONS"],
            "options": "-c default_transaction_read_only=on",
        }
        changes = {"OPTIONS": options}
    original, read_only = swap_default_connection(**changes)
    yield read_only
    read_only.close()
    connections["default"] = original


@pytest.fixture
def due_work():
    """Something a worker should be doing now, as the alerts app registers its due deliveries."""
    health.register_due_work("test", lambda: True)
    yield
    health.unregister_due_work("test")


def heartbeat(worker_id: str, seconds_ago: float) -> WorkerHeartbeat:
    seen = timezone.now() - dt.timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="box", pid=7, started_at=seen, seen_at=seen
    )


def operator_get(client, **headers):
    return client.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **headers)


@pytest.mark.django_db
def test_anyone_gets_the_status_only(client):
    heartbeat("w1", seconds_ago=1)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_wrong_token_gets_the_status_only(client):
    response = client.get("/healthz", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_no_details_for_anyone_while_the_token_is_unset(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/healthz", HTTP_AUTHORIZATION="Bearer ").json() == {"status": "ok"}


@pytest.mark.django_db
def test_the_operator_gets_every_workers_heartbeat(client):
    heartbeat("w1", seconds_ago=3)
    heartbeat("w2", seconds_ago=500)
    body = operator_get(client).json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    seen = {worker["worker_id"]: worker for worker in body["workers"]}
    assert 3 <= seen["w1"]["seconds_since_seen"] < 10
    assert seen["w2"]["seconds_since_seen"] >= 500
    assert seen["w1"]["hostname"] == "box"
    assert body["tasks"] == {"ready": 0, "oldest_ready_seconds": None}


@pytest.mark.django_db
def test_503_database_when_it_is_unreachable(client, unreachable_database):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "database"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_503_database_when_it_answers_but_cannot_be_written(client, read_only_database):
    with read_only_database.cursor() as cursor:  # it does answer
        cursor.execute("SELECT 1")
    response = operator_get(client)
    assert response.status_code == 503
    assert response.json() == {"status": "database", "database": "unwritable"}


@pytest.mark.django_db
def test_503_worker_when_work_is_due_and_no_worker_beats(client, due_work):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "worker"}


@pytest.mark.django_db
def test_a_heartbeat_older_than_the_stale_limit_is_no_worker(client, settings, due_work):
    heartbeat("w1", seconds_ago=61)
    assert client.get("/healthz").json() == {"status": "worker"}
    settings.HEALTH_WORKER_STALE_SECONDS = 120
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_fresh_heartbeat_brings_it_back(client, due_work):
    assert client.get("/healthz").status_code == 503
    heartbeat("w1", seconds_ago=1)
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_no_worker_is_fine_while_nothing_is_due(client):
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_ready_task_in_the_queue_needs_a_worker(client, db_tasks):
    from tests.settings.tasks import log_a_line

    log_a_line.enqueue()
    assert client.get("/healthz").json() == {"status": "worker"}
    assert operator_get(client).json()["tasks"]["ready"] == 1
    heartbeat("w1", seconds_ago=0)
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_answers_any_host_and_plain_http(client, settings):
    """Load balancers probe by IP address and over HTTP: no 400, no redirect to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400


@pytest.mark.django_db
def test_only_reads(client):
    assert client.post("/healthz").status_code == 405


@pytest.fixture
def probe():
    yield health.register_probe
    for name in ("pending", "broken"):
        health.unregister_probe(name)


@pytest.mark.django_db
def test_apps_add_their_numbers_to_the_details(client, probe):
    probe("pending", lambda: 3)
    assert operator_get(client).json()["pending"] == 3
    assert "pending" not in client.get("/healthz").json()


@pytest.mark.django_db
def test_a_failing_probe_is_reported_without_failing_the_check(client, probe):
    probe("broken", lambda: 1 / 0)
    response = operator_get(client)
    assert response.status_code == 200
    assert response.json()["broken"] == "error"


def test_probes_cannot_override_the_status():
    with pytest.raises(ValueError, match="reserved"):
        health.register_probe("status", lambda: "fine")
