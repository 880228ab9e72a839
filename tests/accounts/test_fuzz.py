"""Property-based fuzzing of the account forms: arbitrary Unicode and control characters."""

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import SCRIPT, fuzz, hostile_text


@pytest.mark.django_db
@fuzz
@given(username=hostile_text, email=hostile_text, password=hostile_text)
def test_sign_up_never_errors(client, settings, username, email, password):
    settings.SIGNUP_LIMIT_PER_IP = 10**6  # every example reaches the form
    response = client.post(
        "/auth/registration/",
        {"username": username, "email": email, "password1": password, "password2": password},
    )
    assert response.status_code in (302, 400)
    assert SCRIPT not in response.text


@pytest.mark.django_db
@fuzz
@given(email=hostile_text)
def test_password_reset_request_never_errors(client, email):
    response = client.post("/auth/password_reset/", {"email": email})
    assert response.status_code in (302, 400)
    assert SCRIPT not in response.text


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
