"""After a password changes: an email to the owner, and the other sessions end."""

import pytest
from django.test import Client

from tests.factories import PASSWORD
from tests.support.mail import link_in
from tests.support.passwords import NEW_PASSWORD, logs_in

pytestmark = pytest.mark.django_db

PRIVATE_PAGE = "/birthday/create/"


def signed_in(user) -> Client:
    browser = Client()
    assert logs_in(browser, user.username, PASSWORD)
    assert browser.get(PRIVATE_PAGE).status_code == 200
    return browser


def assert_changed_email(message, user) -> None:
    assert message.to == [user.email]
    assert message.subject == "Пароль на сайте «День рождения» изменён"
    assert user.username in message.body
    assert "http://birthday.test/auth/password_reset/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="http://birthday.test/auth/password_reset/"' in html
    assert NEW_PASSWORD not in message.body + html


def test_change_keeps_this_session_ends_the_others_and_tells_the_owner(
    user, mailoutbox, django_capture_on_commit_callbacks
):
    here, elsewhere = signed_in(user), signed_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(
            "/auth/password_change/",
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
    assert response.status_code == 302
    assert response.url == "/auth/password_change/done/"

    assert here.get(PRIVATE_PAGE).status_code == 200
    assert elsewhere.get(PRIVATE_PAGE).status_code == 302
    (message,) = mailoutbox
    assert_changed_email(message, user)


def test_a_failed_change_changes_nothing(user, mailoutbox, django_capture_on_commit_callbacks):
    here, elsewhere = signed_in(user), signed_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(
            "/auth/password_change/",
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    assert response.status_code == 400
    assert elsewhere.get(PRIVATE_PAGE).status_code == 200
    assert mailoutbox == []


def test_reset_ends_every_session_and_tells_the_owner(
    user, mailoutbox, ask_reset, set_new_password
):
    sessions = [signed_in(user), signed_in(user)]
    ask_reset(user.email, using=sessions[0])
    set_new_password(link_in(mailoutbox[0]), using=sessions[0])

    for browser in sessions:
        assert browser.get(PRIVATE_PAGE).status_code == 302
    assert len(mailoutbox) == 2
    assert_changed_email(mailoutbox[1], user)
