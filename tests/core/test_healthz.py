"""/healthz: 200 while the database answers, 503 when it does not, whatever the Host."""

import pytest
from django.db import connections
from django.db.utils import load_backend

from core import health
from tests.support.ports import free_port


@pytest.fixture
def unreachable_database(tmp_path):
    """Swap the default connection for one whose server (or file) does not exist."""
    original = connections["default"]
    settings_dict = {**original.settings_dict}
    if original.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=free_port(), OPTIONS={"connect_timeout": 2})
    dead = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = dead
    yield
    dead.close()
    connections["default"] = original


@pytest.fixture
def probe():
    yield health.register_probe
    for name in ("pending", "broken"):
        health.unregister_probe(name)


@pytest.mark.django_db
def test_ok_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")  # apps' probes may add more
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_503_when_the_database_is_unreachable(client, unreachable_database):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


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


@pytest.mark.django_db
def test_apps_add_their_numbers_through_probes(client, probe):
    probe("pending", lambda: 3)
    assert client.get("/healthz").json()["pending"] == 3


@pytest.mark.django_db
def test_a_failing_probe_is_reported_without_failing_the_check(client, probe):
    probe("broken", lambda: 1 / 0)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broken"] == "error"


def test_probes_cannot_override_the_status():
    with pytest.raises(ValueError, match="reserved"):
        health.register_probe("status", lambda: "fine")
