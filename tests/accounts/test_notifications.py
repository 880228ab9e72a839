"""The Notifications page: reminder preferences, their defaults, and their errors."""

import pytest
from django.contrib.auth import get_user_model

from accounts.preferences import offered_time_zones
from tests.factories import UserFactory

URL = "/auth/notifications/"


def settings_of(user) -> tuple:
    user.refresh_from_db()
    return (user.reminders_enabled, user.reminder_notices, user.reminder_hour, user.time_zone)


@pytest.mark.django_db
def test_every_new_account_starts_with_the_defaults(client):
    client.post(
        "/auth/registration/",
        {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": "a-long-enough-passphrase-9",
            "password2": "a-long-enough-passphrase-9",
        },
    )
    user = get_user_model().objects.get(username="newcomer")
    # On, the day before and on the day, 09:00, the site's time zone (not stored as a choice).
    assert settings_of(user) == (True, [1, 0], 9, "")
    assert user.zone.key == "Europe/Moscow"


def test_the_page_needs_a_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/login/")


def test_the_header_links_to_it(user_client):
    assert f'href="{URL}"' in user_client.get("/birthday/").text


def test_the_page_shows_the_current_choices_and_a_searchable_zone_list(user_client):
    page = user_client.get(URL).text
    assert 'name="reminders_enabled" id="id_reminders_enabled" checked' in page
    assert 'value="1" id="id_reminder_notices_1" checked' in page
    assert 'value="3" id="id_reminder_notices_2">' in page  # not chosen
    assert 'value="Europe/Moscow"' in page  # the site's zone until one is picked
    assert 'list="time-zones"' in page and '<datalist id="time-zones">' in page
    for name in ("Pacific/Tarawa", "America/New_York", "UTC"):
        assert f'<option value="{name}">' in page
    assert '<option value="9" selected>09:00</option>' in page


def test_saving_changes_every_preference(user_client, user):
    response = user_client.post(
        URL,
        {
            "reminders_enabled": "on",
            "reminder_notices": ["0", "3", "7"],
            "reminder_hour": "20",
            "time_zone": "Pacific/Tarawa",
        },
        follow=True,
    )
    assert response.redirect_chain == [(URL, 302)]
    assert "Настройки уведомлений сохранены" in response.text
    assert settings_of(user) == (True, [0, 3, 7], 20, "Pacific/Tarawa")
    assert user.zone.key == "Pacific/Tarawa"


def test_reminders_can_be_turned_off(user_client, user):
    user_client.post(URL, {"reminder_hour": "9", "time_zone": "Europe/Moscow"})
    assert settings_of(user) == (False, [], 9, "")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Неизвестный часовой пояс «Mars/Olympus»"),
        ({"time_zone": ""}, "time_zone", "Обязательное поле"),
        ({"reminder_hour": "24"}, "reminder_hour", "Выберите корректный вариант"),
        ({"reminder_hour": "nine"}, "reminder_hour", "Выберите корректный вариант"),
        ({"reminder_notices": ["2"]}, "reminder_notices", "Выберите корректный вариант"),
        ({"reminder_notices": []}, "reminder_notices", "Выберите хотя бы один день"),
    ],
)
def test_invalid_input_is_a_400_with_the_error_and_changes_nothing(
    user_client, user, data, field, message
):
    before = settings_of(user)
    valid = {
        "reminders_enabled": "on",
        "reminder_notices": ["1"],
        "reminder_hour": "9",
        "time_zone": "Europe/Moscow",
    }
    response = user_client.post(URL, {**valid, **data})
    assert response.status_code == 400
    assert message in response.text
    assert field in response.context["form"].errors
    assert settings_of(user) == before


def test_a_chosen_zone_stays_chosen_even_if_it_is_the_sites(user_client, db):
    user = UserFactory(time_zone="Asia/Tokyo")
    user_client.force_login(user)
    user_client.post(
        URL,
        {
            "reminders_enabled": "on",
            "reminder_notices": ["0"],
            "reminder_hour": "9",
            "time_zone": "Europe/Moscow",
        },
    )
    assert settings_of(user)[3] == "Europe/Moscow"


def test_the_offered_zones_are_real_area_names():
    zones = offered_time_zones()
    assert len(zones) > 300
    assert "Europe/Moscow" in zones and "Japan" not in zones and "localtime" not in zones
