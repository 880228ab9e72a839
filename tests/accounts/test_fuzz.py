"""Property-based fuzzing of the account forms: arbitrary Unicode and control characters.

Whatever is typed, the answer is a redirect or a 400 that shows the form again with what was
typed in it, escaped: never a 500, never the input as markup.
"""

from urllib.parse import quote

import pytest
from django.utils.html import escape
from hypothesis import example, given
from hypothesis import strategies as st

from tests.support.fuzzing import SCRIPT, fuzz, hostile_text


def assert_echoed_escaped(response, typed: str) -> None:
    """The 400 page shows the form again with `typed` in it, as text, never as markup."""
    assert response.status_code == 400
    assert escape(typed) in response.text
    if SCRIPT in typed:
        assert SCRIPT not in response.text


@pytest.mark.django_db
@fuzz
@given(username=hostile_text, email=hostile_text, password=hostile_text)
@example(username=SCRIPT, email=SCRIPT, password=SCRIPT)
def test_sign_up_never_errors(client, settings, username, email, password):
    settings.SIGNUP_LIMIT_PER_IP = 10**6  # every example reaches the form
    response = client.post(
        "/auth/registration/",
        {"username": username, "email": email, "password1": password, "password2": password},
        follow=True,
    )
    if response.redirect_chain:  # signed up: the page it leads to renders
        assert response.status_code == 200
        client.logout()
    else:
        assert_echoed_escaped(response, username)
        assert_echoed_escaped(response, email)


@pytest.mark.django_db
@fuzz
@given(email=hostile_text)
@example(email=SCRIPT)
def test_password_reset_request_never_errors(client, email):
    response = client.post("/auth/password_reset/", {"email": email})
    if response.status_code != 302:
        assert_echoed_escaped(response, email)


@pytest.mark.django_db
@fuzz
@given(uidb64=st.text(max_size=40), token=st.text(max_size=60))
def test_reset_link_never_errors(client, uidb64, token):
    response = client.get(f"/auth/reset/{quote(uidb64, safe='')}/{quote(token, safe='')}/")
    assert response.status_code in (302, 400, 404)


@pytest.mark.django_db
@fuzz
@given(token=st.text(max_size=120))
def test_confirmation_link_never_errors(client, token):
    response = client.get(f"/auth/confirm/{quote(token, safe='')}/")
    assert response.status_code in (400, 404)
