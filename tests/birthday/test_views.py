import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from birthday.models import Birthday, Congratulation
from tests.factories import BirthdayFactory, CongratulationFactory, TagFactory
from tests.support.texts import BEATLES_ERROR, DELETED, NOT_FOUND, SAVED

# A 1x1 GIF: the smallest image Pillow accepts.
GIF = (
    b"GIF87a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00"
    b"\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def create_url():
    return reverse("birthday:create")


@pytest.mark.django_db
def test_home_counts_birthdays(client):
    BirthdayFactory.create_batch(3)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["birthday_count"] == 3
    assert "Дней рождения на сайте" in response.text


@pytest.mark.django_db
def test_list_is_public_paginated_by_ten_and_shows_tags_and_author(client):
    tag = TagFactory(tag="друзья")
    for _ in range(12):
        BirthdayFactory(tags=[tag])
    first_page = client.get("/birthday/")
    assert first_page.status_code == 200
    assert len(first_page.context["birthday_list"]) == 10
    assert "друзья" in first_page.text
    assert first_page.context["birthday_list"][0].author.username in first_page.text
    assert len(client.get("/birthday/?page=2").context["birthday_list"]) == 2
    assert client.get("/birthday/?page=99").status_code == 404


@pytest.mark.django_db
def test_empty_list_invites_to_add_one(client):
    response = client.get("/birthday/")
    assert "Дней рождения пока нет" in response.text


@pytest.mark.django_db
def test_list_runs_the_same_queries_for_few_and_many_rows(client, django_assert_num_queries):
    tags = TagFactory.create_batch(3)
    BirthdayFactory.create_batch(2, tags=tags)
    with django_assert_num_queries(3) as few:  # count, page, tags
        client.get("/birthday/")
    BirthdayFactory.create_batch(30, tags=tags)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/birthday/")


@pytest.mark.django_db
def test_detail_is_public_and_counts_down(client):
    today = timezone.localdate()
    born = today.replace(year=today.year - 30) + dt.timedelta(days=3)
    birthday = BirthdayFactory(birthday=born)
    response = client.get(birthday.get_absolute_url())
    assert response.status_code == 200
    assert response.context["days_left"] == 3
    assert "До дня рождения 3 дня" in response.text


@pytest.mark.django_db
def test_detail_on_the_day_says_happy_birthday(client):
    today = timezone.localdate()
    birthday = BirthdayFactory(birthday=today.replace(year=today.year - 30))
    assert "С днём рождения!" in client.get(birthday.get_absolute_url()).text


@pytest.mark.django_db
def test_missing_birthday_is_a_friendly_404(client):
    response = client.get("/birthday/999999/")
    assert response.status_code == 404
    assert NOT_FOUND in response.text


@pytest.mark.django_db
def test_create_needs_login(client):
    response = client.get(create_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_create_with_tag_and_image(user_client, user):
    tag = TagFactory()
    response = user_client.post(
        create_url(),
        {
            "first_name": "Анна",
            "last_name": "Иванова",
            "birthday": "1995-03-08",
            "tags": [tag.pk],
            "image": SimpleUploadedFile("photo.gif", GIF, content_type="image/gif"),
        },
        follow=True,
    )
    birthday = Birthday.objects.get()
    assert birthday.author == user
    assert list(birthday.tags.all()) == [tag]
    assert birthday.image.name.startswith("birthdays_images/")
    assert response.redirect_chain[-1][0] == birthday.get_absolute_url()
    assert "Добавлен день рождения: Анна." in response.text


@pytest.mark.django_db
def test_not_an_image_is_refused(user_client):
    response = user_client.post(
        create_url(),
        {
            "first_name": "Анна",
            "birthday": "1995-03-08",
            "image": SimpleUploadedFile("photo.gif", b"not an image", content_type="image/gif"),
        },
    )
    assert response.status_code == 400
    assert "image" in response.context["form"].errors
    assert not Birthday.objects.exists()


@pytest.mark.django_db
def test_beatles_name_keeps_what_was_typed_and_shows_the_error(user_client):
    response = user_client.post(
        create_url(), {"first_name": "Ринго", "last_name": "Старр", "birthday": "1940-07-07"}
    )
    assert response.status_code == 400
    assert BEATLES_ERROR in response.text
    assert 'value="Ринго"' in response.text
    assert not Birthday.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["edit", "delete"])
def test_only_the_author_may_edit_or_delete(client, birthday, other_user, action):
    url = reverse(f"birthday:{action}", args=[birthday.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    client.force_login(other_user)
    stranger = client.get(url)
    assert stranger.status_code == 403
    assert "Доступ запрещён" in stranger.text
    assert client.post(url, {"first_name": "Чужой", "birthday": "1990-01-01"}).status_code == 403
    birthday.refresh_from_db()
    assert birthday.first_name != "Чужой"


@pytest.mark.django_db
def test_author_edits(user_client, birthday):
    response = user_client.post(
        reverse("birthday:edit", args=[birthday.pk]),
        {"first_name": "Новое", "last_name": "", "birthday": "1991-01-01"},
        follow=True,
    )
    birthday.refresh_from_db()
    assert (birthday.first_name, birthday.birthday) == ("Новое", dt.date(1991, 1, 1))
    assert SAVED in response.text


@pytest.mark.django_db
def test_author_deletes(user_client, birthday):
    response = user_client.post(reverse("birthday:delete", args=[birthday.pk]), follow=True)
    assert not Birthday.objects.exists()
    assert DELETED in response.text


@pytest.mark.django_db
def test_congratulate(user_client, user, birthday):
    url = reverse("birthday:add_comment", args=[birthday.pk])
    response = user_client.post(url, {"text": "Ура!"}, follow=True)
    assert Congratulation.objects.get().author == user
    assert "Ура!" in response.text


@pytest.mark.django_db
def test_empty_congratulation_shows_its_error(user_client, birthday):
    CongratulationFactory(birthday=birthday, text="Первое")
    response = user_client.post(reverse("birthday:add_comment", args=[birthday.pk]), {"text": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    assert "Первое" in response.text
    assert Congratulation.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_cannot_congratulate(client, birthday):
    response = client.post(reverse("birthday:add_comment", args=[birthday.pk]), {"text": "Ура"})
    assert response.status_code == 302
    assert not Congratulation.objects.exists()


@pytest.mark.django_db
def test_csrf_failure_is_a_friendly_page(birthday):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("birthday:add_comment", args=[birthday.pk]), {"text": "x"})
    assert response.status_code == 403
    assert "Форма устарела" in response.text


@pytest.mark.django_db
def test_english_is_available(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Birthdays on the site" in client.get("/").text
