"""The Beatles rule on every path (site form, admin, full_clean), its signal, its limit, and
names stored as people see them."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from birthday.models import Birthday, Congratulation, Tag
from tests.factories import BirthdayFactory, UserFactory
from tests.support.texts import BEATLES_ERROR

LIMIT_PAGE = "Слишком много отклонённых имён"
DATA = {"birthday": "1990-05-17"}


def create(client, first_name, last_name="", **extra):
    data = {**DATA, "first_name": first_name, "last_name": last_name}
    return client.post(reverse("birthday:create"), data, **extra)


def admin_add(client, first_name, last_name="", author=None, **extra):
    data = {**DATA, "first_name": first_name, "last_name": last_name}
    data["author"] = (author or UserFactory()).pk
    return client.post(reverse("admin:birthday_birthday_add"), data, **extra)


@pytest.mark.django_db
def test_site_form_rejects_a_disguised_beatle_and_signals_once(user_client, user, signals):
    response = create(user_client, "Pингo", "Cтa\u200bpp")
    assert response.status_code == 400
    assert BEATLES_ERROR in response.text
    assert not Birthday.objects.exists()
    assert len(signals) == 1
    assert signals[0]["sender"] is Birthday
    assert signals[0]["user"] == user
    assert (signals[0]["first_name"], signals[0]["last_name"]) == ("Pингo", "Cтapp")


@pytest.mark.django_db
def test_admin_add_form_rejects_a_beatle_with_the_same_message(admin_client, admin_user, signals):
    response = admin_add(admin_client, "Леннон", "Джон")
    assert response.status_code == 200  # the admin re-renders its form with the error
    assert BEATLES_ERROR in response.text
    assert not Birthday.objects.exists()
    assert [signal["user"] for signal in signals] == [admin_user]  # the admin, not the author


@pytest.mark.django_db
def test_admin_change_form_rejects_a_beatle(admin_client, admin_user, signals):
    birthday = BirthdayFactory(first_name="Иван", last_name="Петров")
    response = admin_client.post(
        reverse("admin:birthday_birthday_change", args=[birthday.pk]),
        {**DATA, "first_name": "Ринго", "last_name": "Старр", "author": birthday.author.pk},
    )
    assert BEATLES_ERROR in response.text
    birthday.refresh_from_db()
    assert birthday.first_name == "Иван"
    assert len(signals) == 1


@pytest.mark.django_db
def test_editing_to_a_beatle_on_the_site_is_rejected(client, signals):
    birthday = BirthdayFactory()
    client.force_login(birthday.author)
    response = client.post(
        reverse("birthday:edit", args=[birthday.pk]),
        {**DATA, "first_name": "РингоСтарр", "last_name": ""},
    )
    assert response.status_code == 400
    assert BEATLES_ERROR in response.text
    assert len(signals) == 1


@pytest.mark.django_db
def test_any_later_path_gets_the_rule_from_full_clean(user, signals):
    birthday = Birthday(first_name="John", last_name="Lennon", birthday=dt.date(1940, 10, 9))
    birthday.author = user
    with pytest.raises(ValidationError) as error:
        birthday.full_clean()
    assert error.value.messages == [BEATLES_ERROR]
    with pytest.raises(ValidationError):
        birthday.full_clean()  # validated again: still refused, but one submission, one signal
    assert len(signals) == 1
    assert signals[0]["user"] is None


@pytest.mark.django_db
def test_valid_names_send_nothing(user_client, admin_client, signals):
    assert create(user_client, "Ринго", "Стар").status_code == 302
    assert admin_add(admin_client, "Ричард", "Старки").status_code == 302
    assert signals == []


@pytest.mark.django_db
def test_stored_names_lose_invisible_characters_on_every_path(user_client, admin_client):
    assert create(user_client, "\u200bИва\u00adн\u2060", "Пе\u0301тров\ufeff").status_code == 302
    assert admin_add(admin_client, "Ан\u200dна", "\u202eКаренина").status_code == 302
    assert sorted(Birthday.objects.values_list("first_name", "last_name")) == [
        ("Анна", "Каренина"),
        ("Иван", "Пе\u0301тров"),  # an accent is seen: it stays (NFC has no composed е́)
    ]


@pytest.mark.django_db
def test_a_tag_and_a_congratulation_are_stored_as_people_see_them(user_client, admin_client):
    admin_client.post(reverse("admin:birthday_tag_add"), {"tag": "дру\u200bзья\u2800"})
    assert list(Tag.objects.values_list("tag", flat=True)) == ["друзья"]
    birthday = BirthdayFactory()
    user_client.post(
        reverse("birthday:add_comment", args=[birthday.pk]),
        {"text": "С днём\u200b рождения!\r\nУра"},
    )
    assert Congratulation.objects.get().text == "С днём рождения!\r\nУра"


@pytest.mark.django_db
def test_saving_without_a_form_stores_visible_text_too():
    tag = Tag.objects.create(tag="се\u200bмья")
    tag.refresh_from_db()
    assert tag.tag == "семья"


@pytest.mark.django_db
def test_the_length_limit_counts_visible_characters(user_client):
    name = "\u200b".join("Александра-Мария")  # 16 letters, 15 zero-width spaces
    assert create(user_client, name, "Иванова").status_code == 302
    assert Birthday.objects.get().first_name == "Александра-Мария"


@pytest.mark.django_db
def test_past_the_limit_a_rejection_gets_429_and_signals_nothing(settings, user_client, signals):
    settings.BIRTHDAY_REJECTION_LIMIT = 3
    statuses = [create(user_client, "Ринго", "Старр").status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 429, 429]
    assert len(signals) == 3  # every rejection up to the limit is signalled
    page = create(user_client, "John", "Lennon")
    assert page.status_code == 429
    assert LIMIT_PAGE in page.text
    assert create(user_client, "Иван", "Петров").status_code == 302  # a real name still saves


@pytest.mark.django_db
def test_the_limit_counts_per_account_and_per_ip(settings, client, signals):
    settings.BIRTHDAY_REJECTION_LIMIT = 2
    first, second, third = UserFactory.create_batch(3)
    client.force_login(first)
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):  # one account, many addresses
        create(client, "Ринго", "Старр", REMOTE_ADDR=address)
    assert create(client, "Ринго", "Старр", REMOTE_ADDR="192.0.2.4").status_code == 429
    client.force_login(second)  # another account from a fresh address is not limited
    assert create(client, "Ринго", "Старр", REMOTE_ADDR="192.0.2.9").status_code == 400
    assert create(client, "Ринго", "Старр", REMOTE_ADDR="192.0.2.9").status_code == 400
    client.force_login(third)  # ...but the address that raised them is
    assert create(client, "Ринго", "Старр", REMOTE_ADDR="192.0.2.9").status_code == 429
    assert len(signals) == 4


@pytest.mark.django_db
def test_the_admin_is_limited_too(settings, admin_client, signals):
    settings.BIRTHDAY_REJECTION_LIMIT = 1
    assert BEATLES_ERROR in admin_add(admin_client, "Ринго", "Старр").text
    response = admin_add(admin_client, "Ринго", "Старр")
    assert response.status_code == 429
    assert LIMIT_PAGE in response.text
    assert len(signals) == 1


@pytest.mark.django_db
def test_the_limit_lasts_an_hour(settings, user_client, signals, monkeypatch):
    settings.BIRTHDAY_REJECTION_LIMIT = 1
    clock = SimpleNamespace(time=lambda: 1_800_000_000)
    monkeypatch.setattr("django_ratelimit.core.time", clock)  # django-ratelimit's windows
    assert create(user_client, "Ринго", "Старр").status_code == 400
    assert create(user_client, "Ринго", "Старр").status_code == 429
    clock.time = lambda: 1_800_000_000 + 60 * 60
    assert create(user_client, "Ринго", "Старр").status_code == 400
    assert len(signals) == 2
