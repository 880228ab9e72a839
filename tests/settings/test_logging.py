"""One structlog pipeline: JSON lines with the request id, task lines too, and nothing secret."""

import json
import logging.config
import uuid

import pytest
import structlog

from settings.logging import build_logging
from tests.settings.tasks import log_a_line
from tests.support.logs import logs_in


def by_event(lines: list[dict], event: str) -> dict:
    [line] = [line for line in lines if line["event"] == event]
    return line


@pytest.mark.django_db
def test_every_line_of_a_request_is_json_with_its_request_id(client, json_logs):
    response = client.get("/")
    request_id = response["X-Request-ID"]
    assert str(uuid.UUID(request_id)) == request_id
    lines = json_logs()
    assert {line["event"] for line in lines} >= {"request_started", "request_finished"}
    assert {line["request_id"] for line in lines} == {request_id}
    finished = by_event(lines, "request_finished")
    assert finished["code"] == 200
    assert finished["level"] == "info"
    assert finished["logger"] == "django_structlog.middlewares.request"
    assert finished["timestamp"].endswith("Z")


@pytest.mark.django_db
def test_django_own_records_share_the_format_and_the_request_id(client, json_logs):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    [not_found] = [line for line in json_logs() if line["logger"] == "django.request"]
    assert not_found["event"] == "Not Found: /no-such-page/"
    assert not_found["level"] == "warning"
    assert not_found["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_lines_carry_the_user_id(user_client, user, json_logs):
    user_client.get("/")
    assert by_event(json_logs(), "request_finished")["user_id"] == user.pk


@pytest.mark.django_db
def test_an_incoming_request_id_is_ignored_by_default(client, json_logs):
    response = client.get("/", HTTP_X_REQUEST_ID="forged-by-client")
    assert response["X-Request-ID"] != "forged-by-client"
    assert "forged-by-client" not in json.dumps(json_logs())


@pytest.mark.django_db
def test_an_incoming_request_id_is_used_behind_a_trusted_proxy(client, settings, json_logs):
    settings.DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
    response = client.get("/", HTTP_X_REQUEST_ID="lb-2f9c")
    assert response["X-Request-ID"] == "lb-2f9c"
    assert by_event(json_logs(), "request_finished")["request_id"] == "lb-2f9c"


@pytest.mark.django_db
def test_a_task_logs_with_the_request_id_that_enqueued_it(json_logs):
    with structlog.contextvars.bound_contextvars(request_id="req-42", user_id=7):
        log_a_line.enqueue()
    lines = json_logs()
    enqueued = by_event(lines, "task_enqueued")
    ran = by_event(lines, "test_task_ran")
    assert ran["request_id"] == "req-42"
    assert ran["user_id"] == 7
    assert ran["task_id"] == enqueued["task_id"]


@pytest.mark.django_db
def test_a_rejected_beatle_is_logged_with_names_and_user_id_only(user_client, user, json_logs):
    user_client.post(
        "/birthday/create/",
        {"first_name": "Ринго", "last_name": "Старр", "birthday": "1940-07-07"},
    )
    line = by_event(json_logs(), "beatles_name_rejected")
    assert line["first_name"] == "Ринго"
    assert line["last_name"] == "Старр"
    assert line["user_id"] == user.pk
    assert user.email not in json.dumps(line)


def test_secrets_never_reach_the_output(json_logs):
    structlog.get_logger("anything").info(
        "user_signed_up",
        email="ann.lee@acme.not",
        password="hunter2-hunter2",
        link="https://birthday.example.com/auth/reset/MQ/cz1k2l-abc123/",
        headers={"Authorization": "Bearer sk_live_123", "Accept": "text/html"},
    )
    logging.getLogger("django.request").warning("Mail to %s failed", "bob@example.com")
    output = json.dumps(json_logs())
    for secret in ("ann.lee", "hunter2", "cz1k2l", "sk_live_123", "bob@"):
        assert secret not in output
    signed_up = by_event(json_logs(), "user_signed_up")
    assert signed_up["email"] == "a***@acme.not"
    assert signed_up["password"] == "[redacted]"
    assert signed_up["link"] == "https://birthday.example.com/auth/reset/[redacted]"
    assert signed_up["headers"] == {"Authorization": "[redacted]", "Accept": "text/html"}
    assert by_event(json_logs(), "Mail to b***@example.com failed")["logger"] == "django.request"


def test_console_format_is_for_people():
    with logs_in("console", "INFO") as stream:
        structlog.get_logger("anything").info("hello_console", email="ann@acme.not")
    line = stream.getvalue()
    assert "hello_console" in line
    assert "a***@acme.not" in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="LOG_FORMAT must be 'console' or 'json'"):
        build_logging("xml", "INFO")


@pytest.mark.django_db
def test_the_context_ends_with_the_request(client):
    client.get("/no-such-page/")
    assert structlog.contextvars.get_contextvars() == {}


@pytest.mark.django_db
@pytest.mark.parametrize(("proxies", "expected"), [(0, "10.0.0.9"), (1, "198.51.100.7")])
def test_the_logged_ip_is_the_one_the_limits_count(client, settings, json_logs, proxies, expected):
    """A client can write X-Forwarded-For; only the entries of trusted proxies count."""
    settings.TRUSTED_PROXY_COUNT = proxies
    client.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert {line["ip"] for line in json_logs() if "ip" in line} == {expected}
