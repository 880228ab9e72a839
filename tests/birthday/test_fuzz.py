"""Property-based fuzzing of the birthday form: whatever is typed, never a 500."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from birthday.models import Birthday

names = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=5000),
    st.sampled_from(["Ринго\r\nBcc: x@evil.example", "<script>alert(1)</script>", "\x00", " "]),
)
dates = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat),
    st.text(max_size=30),
    st.sampled_from(["2000-02-30", "0000-01-01", "9999-12-31", "1900-02-29", "-1-01-01"]),
)
fuzz = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@fuzz
@given(first_name=names, last_name=names, birthday=dates)
def test_create_form_never_errors(user_client, first_name, last_name, birthday):
    response = user_client.post(
        "/birthday/create/",
        {"first_name": first_name, "last_name": last_name, "birthday": birthday},
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert "<script>" not in response.text
    else:
        saved = Birthday.objects.latest("pk")
        assert saved.first_name == first_name.strip()


@pytest.mark.django_db
@fuzz
@given(text=st.text(max_size=3000))
def test_congratulation_never_errors(user_client, birthday, text):
    response = user_client.post(f"/birthday/{birthday.pk}/comment/", {"text": text})
    assert response.status_code in (302, 400)
