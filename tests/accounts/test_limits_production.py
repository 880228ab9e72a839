"""The attacks of issue 13 against the production stack: gunicorn with two worker processes,
settings.prod, its database caches, and PostgreSQL when TEST_DATABASE_URL names one.

The limits here are set small through their environment variables, as an operator would.
"""

import http.client
import json
import os
import re
import secrets
import urllib.parse
from http.cookies import SimpleCookie

import pytest

from tests.support.environments import SITE_HOST, prod_env
from tests.support.processes import manage, serve_gunicorn

PASSWORD = "correct-horse-battery-staple"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.2"
pytestmark = pytest.mark.slow

LIMITS = {
    "LOGIN_LIMIT_PER_PAIR": "3",
    "LOGIN_LIMIT_PER_IP": "8",
    "SIGNUP_LIMIT_PER_IP": "2",
    # The proxy in front appends the client's address to X-Forwarded-For.
    "TRUSTED_PROXY_COUNT": "1",
}


def postgres_database(url: str, name: str) -> tuple[str, callable]:
    """A fresh PostgreSQL database beside the test one; returns its URL and a drop()."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))

    def run(sql: str) -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """gunicorn (2 workers) after migrate and collectstatic, with an admin and two members."""
    tmp_path = tmp_path_factory.mktemp("limits")
    drop = None
    overrides = {"WEB_CONCURRENCY": "2", **LIMITS}
    if url := os.environ.get("TEST_DATABASE_URL"):
        name = urllib.parse.urlsplit(url).path.lstrip("/") + "_limits_prod"
        overrides["DATABASE_URL"], drop = postgres_database(url, f"test_{name}")
    env = prod_env(tmp_path, **overrides)
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = manage(env, *command)
        assert result.returncode == 0, result.stderr
    result = manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; U = get_user_model(); "
        f"U.objects.create_superuser('admin', 'admin@acme.not', '{PASSWORD}'); "
        f"U.objects.create_user('mallory', 'mallory@acme.not', '{PASSWORD}'); "
        f"U.objects.create_user('owner', 'owner@acme.not', '{PASSWORD}')",
    )
    assert result.returncode == 0, result.stderr
    with serve_gunicorn(env, tmp_path / "gunicorn.log") as (port, _):
        yield port, env
    if drop is not None:
        drop()


class Browser:
    """One client behind the proxy: its address, its cookies, forms posted with their token."""

    def __init__(self, port: int, ip: str) -> None:
        self.port = port
        self.ip = ip
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, str]:
        headers = {
            "Host": SITE_HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.ip,
            "Origin": f"https://{SITE_HOST}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), text
        finally:
            connection.close()

    def submit(self, path: str, fields: dict) -> tuple[int, dict, str]:
        """GET the form (for the CSRF cookie and token), then POST it."""
        status, _, page = self.request("GET", path)
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="(\w+)"', page)
        assert tokens, f"no form at {path}: {status} {page[:500]}"
        return self.request("POST", path, {"csrfmiddlewaretoken": tokens[0], **fields})

    def log_in(self, username: str, password: str, path: str = "/auth/login/") -> int:
        return self.submit(path, {"username": username, "password": password})[0]


def test_the_admin_login_is_limited(site):
    port, _ = site
    attacker = Browser(port, ATTACKER)
    statuses = [attacker.log_in("admin", "wrong", "/admin/login/") for _ in range(3)]
    assert statuses == [200, 200, 429]  # the admin's page re-renders a failure with 200
    status, _, page = Browser(port, ATTACKER).submit(
        "/admin/login/", {"username": "admin", "password": PASSWORD}
    )
    assert status == 429
    assert "Слишком много неудачных попыток входа" in page
    # The owner, elsewhere, is not locked out.
    assert Browser(port, OWNER).log_in("admin", PASSWORD, "/admin/login/") == 302


def test_spellings_are_counted_together_across_processes(site):
    port, _ = site
    ip = "203.0.113.77"
    for spelling in ["mallory", " mallory", "mallory "]:
        Browser(port, ip).log_in(spelling, "wrong")
    for spelling in ["ｍａｌｌｏｒｙ", "MALLORY", "mallory"]:
        assert Browser(port, ip).log_in(spelling, PASSWORD) == 429, spelling
    assert Browser(port, "198.51.100.77").log_in("mallory", PASSWORD) == 302


def test_a_flood_of_random_keys_leaves_the_counters_intact(site):
    port, _ = site
    locked, signups = "203.0.113.88", "203.0.113.89"
    for _ in range(3):
        Browser(port, locked).log_in("owner", "wrong")
    for n in range(3):
        Browser(port, signups).submit("/auth/registration/", sign_up_fields(f"flood{n}"))
    assert Browser(port, signups).submit("/auth/registration/", sign_up_fields("x"))[0] == 429

    # 400 reset requests, each from its own address for a random mailbox: 800 new counters,
    # more than a default cache (300 entries) holds.
    flooder = Browser(port, "")
    _, _, page = flooder.request("GET", "/auth/password_reset/")
    [token] = re.findall(r'name="csrfmiddlewaretoken" value="(\w+)"', page)[:1]
    for n in range(400):
        flooder.ip = f"10.{n // 250}.{n % 250}.9"
        status, _, _ = flooder.request(
            "POST",
            "/auth/password_reset/",
            {"csrfmiddlewaretoken": token, "email": f"{secrets.token_hex(6)}@example.com"},
        )
        assert status == 302

    assert Browser(port, locked).log_in("owner", PASSWORD) == 429
    assert Browser(port, signups).submit("/auth/registration/", sign_up_fields("y"))[0] == 429
    assert Browser(port, OWNER).log_in("owner", PASSWORD) == 302


def sign_up_fields(username: str, email: str | None = None) -> dict:
    return {
        "username": username,
        "email": email or f"{username}@example.com",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
    }


# The least time any live counter in the limits table has left, in seconds.
SECONDS_LEFT = """
import datetime as dt, json
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
with connection.cursor() as cursor:
    cursor.execute("SELECT expires FROM birthday_limits")
    expiries = [parse_datetime(e) if isinstance(e, str) else e for (e,) in cursor.fetchall()]
expiries = [e if timezone.is_aware(e) else e.replace(tzinfo=dt.UTC) for e in expiries]
print(json.dumps(min((e - timezone.now()).total_seconds() for e in expiries if e > timezone.now())))
"""


def test_a_count_lasts_its_whole_window(site):
    """Django's generic incr() re-sets a key with the cache's TIMEOUT: it must not cut the hour."""
    port, env = site
    browser = Browser(port, "203.0.113.99")
    for _ in range(3):  # add(), then incr() twice
        browser.submit("/auth/password_reset/", {"email": "victim@example.com"})
    result = manage(env, "shell", "-c", SECONDS_LEFT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) > 55 * 60


def test_sign_up_answers_alike_for_a_new_and_a_taken_address(site):
    port, _ = site
    answers = []
    for n, email in enumerate(["brand-new@example.com", "Owner@acme.not"]):
        browser = Browser(port, f"198.51.100.{200 + n}")
        status, headers, _ = browser.submit(
            "/auth/registration/", sign_up_fields(f"alike{n}", email)
        )
        done = browser.request("GET", headers["Location"])
        answers.append([comparable(status, headers, ""), comparable(*done)])
    assert answers[0] == answers[1]
    assert answers[0][0][0] == 302


def comparable(status: int, headers: dict, body: str) -> tuple:
    """What differs by design removed: the date, the request id, the CSRF token and cookie."""
    kept = sorted(
        (k, v)
        for k, v in headers.items()
        if k not in ("Date", "Expires", "X-Request-ID", "Set-Cookie")
    )
    return status, re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", body), kept
