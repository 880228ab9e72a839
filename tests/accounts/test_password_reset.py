"""The password reset flow: link from the real email, once, in time, and the same for everyone."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.tasks import default_task_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks_db.models import DBTaskResult

from accounts.tasks import send_password_reset_email
from tests.factories import PASSWORD, UserFactory
from tests.support.mail import link_in
from tests.support.passwords import DONE_URL, NEW_PASSWORD, RESET_URL, logs_in
from tests.support.texts import RESET_SUBJECT

pytestmark = pytest.mark.django_db


def test_the_whole_flow_with_the_link_from_the_email(
    client, user, mailoutbox, ask_reset, set_new_password
):
    response = ask_reset(user.email)
    assert response.status_code == 302
    assert response.url == DONE_URL
    assert 'class="site-header"' in client.get(DONE_URL).text

    (message,) = mailoutbox
    assert message.to == [user.email]
    assert message.subject == RESET_SUBJECT
    link = link_in(message)
    assert user.username in message.body
    assert "истекает через 1\xa0час" in message.body
    assert "просто не обращайте внимания на это письмо" in message.body

    response = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert response.status_code == 200
    assert 'name="new_password1"' in response.text
    assert 'class="site-header"' in response.text

    response = set_new_password(link)
    assert response.status_code == 302
    assert response.url == "/auth/reset/done/"
    assert "Войти" in client.get(response.url).text
    assert logs_in(client, user.username, NEW_PASSWORD)
    assert not logs_in(Client(), user.username, PASSWORD)


def test_the_link_works_once(client, user, mailoutbox, ask_reset, set_new_password):
    ask_reset(user.email)
    link = link_in(mailoutbox[0])
    set_new_password(link)

    response = client.get(link.removeprefix(settings.SITE_URL))
    assert response.status_code == 400
    assert f'href="{RESET_URL}"' in response.text
    assert 'class="site-header"' in response.text


def test_using_one_link_kills_every_other(client, user, mailoutbox, ask_reset, set_new_password):
    ask_reset(user.email)
    ask_reset(user.email)
    first, second = (link_in(message) for message in mailoutbox)
    set_new_password(second)
    assert client.get(first.removeprefix(settings.SITE_URL)).status_code == 400


def test_the_link_expires_after_password_reset_timeout(
    client, user, mailoutbox, settings, ask_reset
):
    settings.PASSWORD_RESET_TIMEOUT = 600
    ask_reset(user.email)
    assert "истекает через 10\xa0минут" in mailoutbox[0].body
    path = link_in(mailoutbox[0]).removeprefix(settings.SITE_URL)

    now = dt.datetime.now()
    with mock.patch.object(
        default_token_generator, "_now", return_value=now + dt.timedelta(seconds=590)
    ):
        assert client.get(path).status_code == 302
    with mock.patch.object(
        default_token_generator, "_now", return_value=now + dt.timedelta(seconds=601)
    ):
        response = Client().get(path)
    assert response.status_code == 400
    assert f'href="{RESET_URL}"' in response.text


def _b64(raw: bytes) -> str:
    return urlsafe_base64_encode(raw)


@pytest.mark.parametrize(
    "path",
    [
        "/auth/reset/!!!/set-password/",
        "/auth/reset/!!!/abc-def/",
        "/auth/reset/%25%25%25/abc-def/",
        f"/auth/reset/{_b64(b'foo')}/abc-def/",
        f"/auth/reset/{_b64(bytes([0xFF, 0xFE]))}/abc-def/",
        f"/auth/reset/{_b64(b'-1')}/abc-def/",
        f"/auth/reset/{_b64(b'9223372036854775808')}/abc-def/",
        f"/auth/reset/{_b64(b'9' * 400)}/abc-def/",
        f"/auth/reset/{_b64(b'1' * 5000)}/{'x' * 5000}/",
    ],
)
def test_a_malformed_link_gets_a_friendly_page(client, user, path):
    for response in (client.get(path), client.post(path, {"new_password1": "x"})):
        assert response.status_code == 400
        assert f'href="{RESET_URL}"' in response.text
        assert 'class="site-header"' in response.text


def test_a_wrong_token_gets_a_friendly_page(client, user):
    uid = _b64(force_bytes(user.pk))
    for token in ["abc-def", "set-password", default_token_generator.make_token(UserFactory())]:
        response = client.get(f"/auth/reset/{uid}/{token}/")
        assert response.status_code == 400, token
        assert f'href="{RESET_URL}"' in response.text


def test_a_forged_host_is_refused(user, mailoutbox, ask_reset):
    response = ask_reset(user.email, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert mailoutbox == []


def test_the_link_uses_site_url_whatever_host_the_request_named(user, mailoutbox, ask_reset):
    ask_reset(user.email, HTTP_HOST="localhost", HTTP_X_FORWARDED_HOST="evil.example")
    (message,) = mailoutbox
    assert link_in(message).startswith("http://birthday.test/auth/reset/")
    everything = message.body + message.alternatives[0][0]
    assert "localhost" not in everything
    assert "evil.example" not in everything


def test_case_and_spaces_do_not_matter(mailoutbox, ask_reset):
    user = UserFactory(email="Ringo.Fan@Example.com")
    ask_reset("  ringo.fan@EXAMPLE.COM  ")
    (message,) = mailoutbox
    assert message.to == [user.email]


def _accounts():
    """One address of each kind; only the first may get a link."""
    known = UserFactory(email="known@example.com")
    UserFactory(email="inactive@example.com", is_active=False)
    UserFactory(email="unusable@example.com", password=None)
    return known, [
        "known@example.com",
        "nobody@example.com",
        "inactive@example.com",
        "unusable@example.com",
    ]


def _answer(response) -> tuple:
    # Date and the request id differ from one request to the next by design.
    headers = sorted(
        (k, v) for k, v in response.headers.items() if k not in ("Date", "X-Request-ID")
    )
    return response.status_code, response.content, headers


def test_every_address_gets_the_same_answer(mailoutbox, ask_reset):
    known, addresses = _accounts()
    answers = [_answer(ask_reset(address, using=Client())) for address in addresses]
    assert answers == [answers[0]] * len(addresses)
    assert answers[0][0] == 302
    assert [message.to for message in mailoutbox] == [[known.email]]


def _statements(queries) -> list[str]:
    """What each query does to which table, without the values."""
    without_values = (re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries)
    # Savepoint names are random; they say nothing about the work.
    return [
        re.sub(r'"s\w+_x\w+"', '"savepoint"', sql).split(" WHERE ")[0] for sql in without_values
    ]


def test_every_address_costs_the_request_the_same_work(db_tasks, mailoutbox, ask_reset):
    """The limits' counts, one lookup and one task INSERT each; the worker alone tells the
    addresses apart. (Each from its own client, so that each starts its own IP counter.)"""
    known, addresses = _accounts()
    work = []
    for n, address in enumerate(addresses):
        with CaptureQueriesContext(connection) as queries:
            ask_reset(address, using=Client(), REMOTE_ADDR=f"198.51.100.{n}")
        work.append(_statements(queries.captured_queries))
    assert work == [work[0]] * len(addresses)
    counting = [sql for sql in work[0] if "birthday_limits" in sql]
    assert counting, "the limits are counted in the database cache"
    lookup, enqueue, *log_context = [
        sql for sql in work[0] if "birthday_limits" not in sql and "SAVEPOINT" not in sql
    ]
    assert lookup.startswith('SELECT "accounts_user"')
    assert enqueue.startswith('INSERT INTO "django_tasks_database_dbtaskresult"')
    # The rest hands the request's log context to the task (django-structlog's cache).
    assert all("django_structlog_cache" in sql or "SAVEPOINT" in sql for sql in log_context)
    assert mailoutbox == []

    queued = [task.args_kwargs for task in DBTaskResult.objects.order_by("enqueued_at")]
    assert queued == [{"args": [known.pk], "kwargs": {}}] + [{"args": [None], "kwargs": {}}] * 3

    # What the worker runs: each stored task with its stored arguments.
    for queued_task in DBTaskResult.objects.all():
        queued_task.task.call(*queued_task.args_kwargs["args"])
    assert [message.to for message in mailoutbox] == [[known.email]]


def test_the_queued_task_carries_only_the_user_id(dummy_tasks, user, ask_reset):
    ask_reset(user.email)
    (result,) = default_task_backend.results
    assert result.task.module_path == "accounts.tasks.send_password_reset_email"
    assert list(result.args) == [user.pk]
    assert result.kwargs == {}


def test_the_worker_checks_the_account_again(user, mailoutbox):
    user.is_active = False
    user.save()
    send_password_reset_email.call(user.pk)
    send_password_reset_email.call(None)
    assert mailoutbox == []


def test_the_logs_hold_no_token_password_or_address(
    user, mailoutbox, ask_reset, set_new_password, json_logs
):
    ask_reset(user.email)
    link = link_in(mailoutbox[0])
    set_new_password(link)

    events = {line["event"]: line for line in json_logs()}
    masked = user.email[0] + "***@example.com"
    assert events["password_reset_requested"]["email"] == masked
    assert events["password_reset_completed"]["email"] == masked
    assert events["password_reset_completed"]["user_id"] == user.pk

    token = link.rstrip("/").rsplit("/", 1)[1]
    for secret in [token, link, NEW_PASSWORD, user.email]:
        assert secret not in json_logs.text()
