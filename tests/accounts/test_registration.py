import pytest
from django.contrib.auth import get_user_model

from tests.factories import UserFactory

URL = "/auth/registration/"


def sign_up(client, **data):
    return client.post(
        URL,
        {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            **data,
        },
    )


@pytest.mark.django_db
def test_sign_up_logs_in(client):
    response = sign_up(client)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="newcomer")
    assert user.email == "newcomer@example.com"
    assert client.get("/birthday/create/").status_code == 200


@pytest.mark.django_db
def test_email_is_required(client):
    response = sign_up(client, email="")
    assert response.status_code == 400
    assert "email" in response.context["form"].errors


@pytest.mark.django_db
def test_same_email_in_another_case_is_refused(client):
    UserFactory(email="Taken@Example.com")
    response = sign_up(client, email="  taken@EXAMPLE.com ")
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [
        "Пользователь с таким адресом электронной почты уже есть."
    ]


@pytest.mark.django_db
def test_every_auth_page_renders_in_the_site_look(client):
    for url in ["/auth/login/", "/auth/password_reset/", "/auth/password_reset/done/", URL]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="site-header"' in response.text, url


@pytest.mark.django_db
def test_logout_is_by_post(client, user):
    client.force_login(user)
    assert client.get("/auth/logout/").status_code == 405
    client.post("/auth/logout/")
    assert client.get("/birthday/create/").status_code == 302
