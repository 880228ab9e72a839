"""Sign-up that reveals nothing about addresses, and the confirmation of a new address."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils.crypto import get_random_string

from accounts.signals import admin_password_changed, ip_limit_passed
from tests.factories import PASSWORD, UserFactory
from tests.support.mail import confirmation_link_in, link_in
from tests.support.passwords import logs_in
from tests.support.texts import CONFIRM_SUBJECT

URL = "/auth/registration/"
DONE_URL = "/auth/registration/done/"
NEW_PASSWORD = "a-long-unusual-passphrase"

pytestmark = pytest.mark.django_db


def sign_up(client, REMOTE_ADDR="127.0.0.1", **data):
    return client.post(
        URL,
        {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            **data,
        },
        REMOTE_ADDR=REMOTE_ADDR,
    )


@pytest.fixture
def signs_up(client, django_capture_on_commit_callbacks):
    """Submit the sign-up form and run what waits for the commit (the worker's email)."""

    def submit(using=None, ip="127.0.0.1", **data):
        with django_capture_on_commit_callbacks(execute=True):
            return sign_up(using or client, REMOTE_ADDR=ip, **data)

    return submit


def confirmation_link(message) -> str:
    """The link's path, for the test client."""
    return confirmation_link_in(message).removeprefix("http://birthday.test")


def test_sign_up_sends_a_link_and_the_account_waits_for_it(client, signs_up, mailoutbox):
    response = signs_up()
    assert (response.status_code, response.url) == (302, DONE_URL)
    assert "Проверьте почту" in client.get(DONE_URL).text
    user = get_user_model().objects.get(username="newcomer")
    assert (user.email, user.email_confirmed) == ("newcomer@example.com", False)
    assert not logs_in(Client(), "newcomer", NEW_PASSWORD)

    [message] = mailoutbox
    assert message.to == ["newcomer@example.com"]
    assert message.subject == CONFIRM_SUBJECT
    link = confirmation_link(message)
    assert NEW_PASSWORD not in message.body

    page = client.get(link)
    assert page.status_code == 200
    assert "Подтвердить адрес" in page.text
    user.refresh_from_db()
    assert not user.email_confirmed  # a GET (a link checker's) confirms nothing
    confirmed = client.post(link)
    assert (confirmed.status_code, confirmed.url) == (302, "/auth/login/?username=newcomer")
    assert logs_in(Client(), "newcomer", NEW_PASSWORD)

    # Used once: the link is spent.
    assert client.get(link).status_code == 400
    assert client.post(link).status_code == 400


def test_a_new_and_a_taken_address_get_the_same_answer(signs_up, mailoutbox):
    owner = UserFactory(email="Taken@Example.com")
    answers = []
    for email in ["fresh@example.com", "  taken@EXAMPLE.com "]:
        browser = Client()
        response = signs_up(using=browser, username=get_random_string(8), email=email)
        done = browser.get(response.url)
        answers.append([answer(response), answer(done)])
    assert answers[0] == answers[1]
    assert answers[0][0][0] == 302
    assert get_user_model().objects.filter(email__iexact="taken@example.com").count() == 1

    confirmation, notice = mailoutbox
    assert confirmation.to == ["fresh@example.com"]
    assert notice.to == [owner.email]
    assert (
        notice.subject
        == "Кто-то пытался зарегистрироваться на сайте «День рождения» с вашим адресом"
    )
    assert owner.username in notice.body
    assert "http://birthday.test/auth/login/" in notice.body
    assert "http://birthday.test/auth/password_reset/" in notice.body
    assert NEW_PASSWORD not in notice.body


def answer(response) -> tuple:
    """Everything a client sees but what differs by design: the date (and Expires), the request
    id, and the CSRF token (masked anew for every page)."""
    headers = sorted(
        (k, v) for k, v in response.headers.items() if k not in ("Date", "Expires", "X-Request-ID")
    )
    content = re.sub(rb'name="csrfmiddlewaretoken" value="\w+"', b"", response.content)
    return response.status_code, content, headers


def test_both_answers_queue_one_task_and_send_nothing_in_the_request(dummy_tasks, signs_up):
    from django.tasks import default_task_backend

    UserFactory(email="taken@example.com")
    signs_up(username="first", email="fresh@example.com")
    signs_up(username="second", email="taken@example.com")
    names = [result.task.name for result in default_task_backend.results]
    assert names == ["send_confirmation_email", "send_signup_attempt_email"]
    assert all(len(result.args) == 1 for result in default_task_backend.results)


def test_a_taken_username_may_say_so(signs_up):
    UserFactory(username="newcomer")
    response = signs_up()
    assert response.status_code == 400
    assert response.context["form"].errors["username"] == [
        "Пользователь с таким именем уже существует."
    ]


def test_email_is_required(client):
    response = sign_up(client, email="")
    assert response.status_code == 400
    assert "email" in response.context["form"].errors


def test_emails_to_one_address_are_limited(settings, signs_up, mailoutbox):
    settings.CONFIRMATION_LIMIT_PER_EMAIL = 2
    owner = UserFactory(email="owner@example.com")
    answers = {
        signs_up(username=f"try{n}", email="OWNER@example.com").status_code for n in range(4)
    }
    assert answers == {302}
    assert [message.to for message in mailoutbox] == [[owner.email]] * 2


def test_sign_ups_per_ip_are_limited_and_reported_once(settings, signs_up):
    settings.SIGNUP_LIMIT_PER_IP = 2
    events = []
    ip_limit_passed.connect(receiver := lambda sender, signal, **kw: events.append(kw))
    try:
        statuses = [
            signs_up(username=f"u{n}", email=f"u{n}@example.com", ip="203.0.113.5").status_code
            for n in range(4)
        ]
    finally:
        ip_limit_passed.disconnect(receiver)
    assert statuses == [302, 302, 429, 429]
    assert events == [{"limit": "signup", "ip": "203.0.113.5", "count": 3, "allowed": 2}]
    other = signs_up(username="u9", email="u9@example.com", ip="198.51.100.1")
    assert other.status_code == 302


def test_signing_in_unconfirmed_offers_a_new_link_whatever_the_password(client, signs_up):
    signs_up()
    answers = [
        client.post("/auth/login/", {"username": "newcomer", "password": password})
        for password in [NEW_PASSWORD, "wrong-password"]
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answer(answers[0]) == answer(answers[1])
    assert "Сначала подтвердите адрес" in answers[0].text
    assert 'href="/auth/confirm/resend/"' in answers[0].text
    assert "_auth_user_id" not in client.session


def test_a_new_link_on_request_the_same_answer_for_any_address(
    client, signs_up, mailoutbox, django_capture_on_commit_callbacks
):
    signs_up()
    mailoutbox.clear()
    answers = []
    for email in ["newcomer@example.com", "nobody@example.com"]:
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(answer(Client().post("/auth/confirm/resend/", {"email": email})))
    assert answers[0] == answers[1]
    [message] = mailoutbox
    assert message.to == ["newcomer@example.com"]
    assert client.post(confirmation_link(message)).status_code == 302


def test_a_link_expires_after_three_days(client, signs_up, mailoutbox, monkeypatch):
    three_days_and_a_minute_ago = signing.TimestampSigner().timestamp()
    three_days_and_a_minute_ago = signing.b62_encode(
        signing.b62_decode(three_days_and_a_minute_ago) - (3 * 24 * 3600 + 60)
    )
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: three_days_and_a_minute_ago
    )
    signs_up()
    monkeypatch.undo()
    link = confirmation_link(mailoutbox[0])
    response = client.get(link)
    assert response.status_code == 400
    assert 'href="/auth/confirm/resend/"' in response.text
    assert not get_user_model().objects.get(username="newcomer").email_confirmed


def test_an_expired_sign_up_frees_its_name_and_address(signs_up):
    signs_up()
    get_user_model().objects.filter(username="newcomer").update(date_joined="2020-01-01T00:00:00Z")
    response = signs_up(email="newcomer@example.com")
    assert response.status_code == 302
    assert get_user_model().objects.get(username="newcomer").date_joined.year > 2020


def test_a_reset_link_confirms_the_address(signs_up, mailoutbox, ask_reset, set_new_password):
    signs_up()
    mailoutbox.clear()
    ask_reset("newcomer@example.com")
    set_new_password(link_in(mailoutbox[0]))
    assert get_user_model().objects.get(username="newcomer").email_confirmed


def test_accounts_made_elsewhere_are_confirmed(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", username="root", email="root@acme.not")
    assert get_user_model().objects.get(username="root").email_confirmed
    assert UserFactory().email_confirmed  # the admin's form and the demo data: the default


def test_an_admin_password_change_is_a_security_event(django_capture_on_commit_callbacks):
    admin = UserFactory(is_staff=True)
    member = UserFactory()
    events = []
    admin_password_changed.connect(receiver := lambda sender, signal, **kw: events.append(kw))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            UserFactory(username="another-admin", is_staff=True)  # made, not changed
            for user in (admin, member):
                user.set_password("a-new-and-long-passphrase")
                user.save()
            admin.first_name = "Ann"
            admin.save()  # no new password
    finally:
        admin_password_changed.disconnect(receiver)
    assert events == [
        {
            "user_id": admin.pk,
            "username": admin.username,
            "email": f"{admin.username[0]}***@example.com",
        }
    ]


def test_every_auth_page_renders_in_the_site_look(client):
    pages = [
        "/auth/login/",
        "/auth/password_reset/",
        "/auth/password_reset/done/",
        URL,
        DONE_URL,
        "/auth/confirm/resend/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="site-header"' in response.text, url


def test_logout_is_by_post(client, user):
    client.force_login(user)
    assert client.get("/auth/logout/").status_code == 405
    client.post("/auth/logout/")
    assert client.get("/birthday/create/").status_code == 302
