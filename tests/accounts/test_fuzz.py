"""Property-based fuzzing of sign-up: arbitrary Unicode and control characters, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

anything = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["a\r\nBcc: x@evil.example", "<script>alert(1)</script>", "\x00", "ü@ü.ü"]),
)


@pytest.mark.django_db
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(username=anything, email=anything, password=anything)
def test_sign_up_never_errors(client, username, email, password):
    response = client.post(
        "/auth/registration/",
        {"username": username, "email": email, "password1": password, "password2": password},
    )
    assert response.status_code in (302, 400)
    assert "<script>alert" not in response.text
