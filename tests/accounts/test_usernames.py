"""Usernames people can tell apart: look-alikes of a taken name, invisible names and confusable
mixes of scripts are refused wherever an account is made."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError

from accounts.usernames import username_key
from tests.factories import UserFactory

URL = "/auth/registration/"
PASSWORD = "a-long-unusual-passphrase"

pytestmark = pytest.mark.django_db


def sign_up(client, username):
    return client.post(
        URL,
        {
            "username": username,
            "email": f"{abs(hash(username))}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


@pytest.mark.parametrize(
    "lookalike",
    [
        "\u0430dmin",  # Cyrillic а
        "ADMIN",
        "Admin",
        "ａｄｍｉｎ",  # full-width
        "admin\u200b",  # zero-width space: the form strips nothing of it
        "adm\u0456n",  # Cyrillic і
        "AdMiN",
    ],
)
def test_a_name_that_reads_as_a_taken_one_is_refused(client, lookalike):
    UserFactory(username="admin")
    response = sign_up(client, lookalike)
    assert response.status_code == 400
    assert response.context["form"].errors["username"], lookalike
    assert get_user_model().objects.count() == 1


def test_a_whole_script_lookalike_is_refused_with_a_clear_message(client):
    UserFactory(username="ceo")
    response = sign_up(client, "\u0441\u0435\u043e")  # Cyrillic с, е, о: one script
    assert response.context["form"].errors["username"] == [
        "Это имя пользователя выглядит так же, как уже занятое. Пожалуйста, выберите другое."
    ]


@pytest.mark.parametrize("name", ["\u3164", "\u3164\u3164", "ab\u200dcd", "\u115f"])
def test_an_invisible_name_is_refused(client, name):
    response = sign_up(client, name)
    assert response.status_code == 400
    assert get_user_model().objects.count() == 0


@pytest.mark.parametrize("name", ["p\u0430ypal", "\u0440aypal", "mallory\u03bf"])
def test_a_confusable_mix_of_scripts_is_refused(client, name):
    response = sign_up(client, name)
    assert response.status_code == 400
    assert "разных алфавитов" in response.context["form"].errors["username"][0]


@pytest.mark.parametrize("name", ["Анна", "ringo_1940", "山田太郎", "やまだtaro", "김철수", "José"])
def test_names_in_one_script_or_a_usual_mix_are_welcome(client, name):
    assert sign_up(client, name).status_code == 302, name


def test_the_admin_refuses_a_lookalike_too(admin_client):
    UserFactory(username="ceo")
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "\u0441\u0435\u043e",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "выглядит так же" in response.text
    assert not get_user_model().objects.filter(username="\u0441\u0435\u043e").exists()


def test_the_database_refuses_a_lookalike_from_any_path():
    UserFactory(username="ringo")
    with pytest.raises(IntegrityError):
        get_user_model().objects.create_user("RINGO", "other@example.com", PASSWORD)


def test_one_key_for_every_spelling():
    assert username_key("ａｄｍｉｎ") == username_key("\u0430dmin") == username_key("ADMIN")
    assert username_key("ringo") != username_key("bingo")
