import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from birthday.dates import years_before
from birthday.forms import BirthdayForm
from birthday.models import Birthday
from birthday.rejections import Submission
from birthday.signals import beatles_name_rejected
from tests.factories import BirthdayFactory, TagFactory
from tests.support.texts import BEATLES_ERROR


def form(user=None, **data):
    return BirthdayForm(
        data={"first_name": "Иван", "last_name": "Петров", "birthday": "1990-05-17", **data},
        submission=Submission(user=user),
    )


@pytest.mark.django_db
def test_beatles_name_is_rejected_with_the_tutorial_message(signals, user):
    f = form(user=user, first_name="Ринго", last_name="Старр")
    assert not f.is_valid()
    assert f.non_field_errors() == [BEATLES_ERROR]
    assert signals == [
        {
            "sender": Birthday,
            "signal": beatles_name_rejected,
            "first_name": "Ринго",
            "last_name": "Старр",
            "user": user,
        }
    ]


@pytest.mark.django_db
def test_rejection_sends_no_mail_from_the_birthday_app(signals):
    form(first_name="Ringo", last_name="Starr").is_valid()
    assert len(signals) == 1
    assert signals[0]["user"] is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_other_names_send_nothing(signals):
    assert form().is_valid()
    assert signals == []


@pytest.mark.django_db
def test_other_errors_without_a_first_name_do_not_crash(signals):
    f = form(first_name="", birthday="not a date")
    assert not f.is_valid()
    assert set(f.errors) == {"first_name", "birthday"}
    assert signals == []


@pytest.mark.django_db
def test_too_long_name_is_a_field_error():
    f = form(first_name="И" * 21)
    assert not f.is_valid()
    assert "first_name" in f.errors


@pytest.mark.django_db
def test_future_birthday_is_rejected():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    f = form(birthday=tomorrow.isoformat())
    assert not f.is_valid()
    assert f.errors["birthday"] == ["Дата рождения не может быть в будущем."]


@pytest.mark.django_db
def test_more_than_120_years_ago_is_rejected_and_exactly_120_is_accepted():
    limit = years_before(timezone.localdate(), 120)
    assert form(birthday=limit.isoformat()).is_valid()
    f = form(birthday=(limit - dt.timedelta(days=1)).isoformat())
    assert not f.is_valid()
    assert f.errors["birthday"] == ["Дата рождения не может быть больше 120 лет назад."]


@pytest.mark.django_db
def test_duplicate_person_is_a_form_error_not_an_integrity_error():
    BirthdayFactory(first_name="Иван", last_name="Петров", birthday=dt.date(1990, 5, 17))
    f = form()
    assert not f.is_valid()
    assert f.non_field_errors() == ["Этот человек с такой датой рождения уже есть в списке."]
    assert form(birthday="1990-05-18").is_valid()


@pytest.mark.django_db
def test_tags_are_offered_only_once_some_exist():
    assert "tags" not in form().fields
    tag = TagFactory()
    bound = form(tags=[tag.pk])
    assert bound.is_valid(), bound.errors
    assert list(bound.cleaned_data["tags"]) == [tag]
