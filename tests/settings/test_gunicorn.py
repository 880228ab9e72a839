"""The production stack for real: gunicorn, settings.prod, WhiteNoise, JSON logs."""

import http.client
import json
import re
import time

import pytest

from tests.support.environments import SITE_HOST, prod_env
from tests.support.processes import manage, serve_gunicorn

pytestmark = pytest.mark.slow


def get(port: int, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn on a loopback port after migrate and collectstatic: (port, its Process)."""
    tmp_path = tmp_path_factory.mktemp("prod")
    env = prod_env(tmp_path, WEB_CONCURRENCY="1")
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = manage(env, *command)
        assert result.returncode == 0, result.stderr
    with serve_gunicorn(env, tmp_path / "gunicorn.log") as started:
        yield started


def proxied(**headers: str) -> dict[str, str]:
    """What the HTTPS-terminating proxy in front sends."""
    return {"Host": SITE_HOST, "X-Forwarded-Proto": "https", **headers}


def test_home_page_with_security_headers(server):
    port, _ = server
    response, body = get(port, "/", **proxied())
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    )
    csp = response.getheader("Content-Security-Policy")
    assert "default-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert b"style=" not in body


def test_plain_http_is_redirected_to_https(server):
    port, _ = server
    response, _ = get(port, "/", Host=SITE_HOST)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{SITE_HOST}/"


def test_static_files_have_hashed_names_and_are_compressed(server):
    port, _ = server
    _, body = get(port, "/", **proxied())
    [css] = re.findall(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body)
    response, content = get(port, css.decode(), **proxied(**{"Accept-Encoding": "gzip"}))
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")
    assert content[:2] == b"\x1f\x8b"


def test_healthz_answers_a_load_balancer(server):
    port, _ = server
    response, body = get(port, "/healthz", Host="10.0.3.7")
    assert response.status == 200
    assert json.loads(body) == {"status": "ok"}  # the details need METRICS_TOKEN


def test_logs_are_json_lines_with_the_request_id(server):
    port, gunicorn = server
    response, _ = get(port, "/no-such-page/", **proxied())
    request_id = response.getheader("X-Request-ID")
    time.sleep(0.2)
    lines = [json.loads(line) for line in gunicorn.log().splitlines()]
    mine = [line for line in lines if line.get("request_id") == request_id]
    assert {line["event"] for line in mine} == {
        "request_started",
        "request_finished",
        "Not Found: /no-such-page/",
    }
    assert any(line["logger"] == "gunicorn.error" for line in lines)
