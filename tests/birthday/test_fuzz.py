"""Property-based fuzzing of the birthday form: whatever is typed, never a 500."""

import datetime as dt

import pytest
from django.utils.html import escape
from hypothesis import example, given
from hypothesis import strategies as st

from birthday.models import Birthday
from core.text import visible
from tests.support.fuzzing import SCRIPT, fuzz, hostile_text

dates = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat),
    st.text(max_size=30),
    st.sampled_from(["2000-02-30", "0000-01-01", "9999-12-31", "1900-02-29", "-1-01-01"]),
)


@pytest.mark.django_db
@fuzz
@given(first_name=hostile_text, last_name=hostile_text, birthday=dates)
@example(first_name=SCRIPT, last_name=SCRIPT, birthday="2000-02-30")
def test_create_form_never_errors(user_client, first_name, last_name, birthday):
    response = user_client.post(
        "/birthday/create/",
        {"first_name": first_name, "last_name": last_name, "birthday": birthday},
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:  # the form again, with what was typed in it, as text
        assert escape(first_name) in response.text
        assert escape(last_name) in response.text
        assert SCRIPT not in response.text
    else:
        saved = Birthday.objects.latest("pk")
        assert saved.first_name == visible(first_name).strip()  # stored as people see it


@pytest.mark.django_db
@fuzz
@given(text=st.text(max_size=3000))
def test_congratulation_never_errors(user_client, birthday, text):
    response = user_client.post(f"/birthday/{birthday.pk}/comment/", {"text": text})
    assert response.status_code in (302, 400)
