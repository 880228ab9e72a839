"""Journey 1: a newcomer signs up and keeps one friend's birthday from first entry to deletion."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.support.mail import Inbox, confirmation_link_in
from tests.support.texts import CONFIRM_SUBJECT, DELETED, SAVED

from .a11y import assert_accessible
from .server import LiveSite
from .steps import PASSWORD, fill_birthday_form, png

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def friends_tag(live_site: LiveSite) -> str:
    """The form offers existing tags as checkboxes; tags are made in the admin."""
    live_site.shell("from birthday.models import Tag; Tag.objects.get_or_create(tag='друзья')")
    return "друзья"


def server_today(site: LiveSite) -> dt.date:
    return dt.datetime.now(ZoneInfo(site.env.get("TIME_ZONE", "Europe/Moscow"))).date()


def test_sign_up_add_edit_congratulate_and_delete(
    page: Page, live_site: LiveSite, inbox: Inbox, friends_tag: str
) -> None:
    # Sign up: the address is confirmed through the emailed link, then the newcomer logs in.
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("navigation").get_by_role("link", name="Регистрация").click()
    expect(page).to_have_url(re.compile(r"/auth/registration/$"))
    assert_accessible(page)
    page.get_by_label("Имя пользователя").fill("newcomer")
    page.get_by_label("Адрес электронной почты").fill("newcomer@example.com")
    page.get_by_label(re.compile(r"^Пароль")).fill(PASSWORD)
    page.get_by_label("Подтверждение пароля").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Регистрация").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Проверьте почту")
    assert_accessible(page)

    email = inbox.wait_for("newcomer@example.com", CONFIRM_SUBJECT)
    page.goto(confirmation_link_in(email, live_site.url))
    assert_accessible(page)
    page.get_by_role("button", name="Подтвердить адрес").click()
    expect(page.get_by_role("status")).to_contain_text("Адрес подтверждён")
    expect(page.get_by_label("Имя пользователя")).to_have_value("newcomer")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()

    # Add a birthday ten days from now, with a tag and a photo.
    page.get_by_role("link", name="Добавить", exact=True).click()
    expect(page.get_by_role("link", name="Добавить", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page)
    born = (server_today(live_site) + dt.timedelta(days=10)).replace(year=1990)
    fill_birthday_form(page, "Мария", "Кюри", born.isoformat())
    page.get_by_label(friends_tag).check()
    page.get_by_label("Фото").set_input_files(
        {"name": "maria.png", "mimeType": "image/png", "buffer": png()}
    )
    page.get_by_role("button", name="Сохранить").click()

    # Her page: the message, the countdown, the tag and the photo as the server serves it.
    expect(page.get_by_role("status")).to_contain_text("Мария")
    expect(page.get_by_role("heading", level=1)).to_have_text("Мария Кюри")
    expect(page.locator(".countdown")).to_have_text("До дня рождения 10 дней")
    expect(page.locator(".tags")).to_contain_text(friends_tag)
    photo = page.get_by_role("img", name="Мария Кюри")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") == 64
    assert_accessible(page)
    detail_url = page.url

    # The list shows her with the tag.
    page.get_by_role("link", name="Дни рождения", exact=True).click()
    entry = page.locator(".birthday-item", has_text="Мария Кюри")
    expect(entry).to_contain_text(friends_tag)
    assert_accessible(page)
    entry.get_by_role("link", name="Мария Кюри").click()
    expect(page).to_have_url(detail_url)

    # Edit: a new last name.
    page.get_by_role("link", name="Изменить").click()
    expect(page).to_have_url(re.compile(r"/edit/$"))
    assert_accessible(page)
    expect(page.get_by_label("Имя")).to_have_value("Мария")
    page.get_by_label("Фамилия").fill("Склодовская-Кюри")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("status")).to_have_text(SAVED)
    expect(page.get_by_role("heading", level=1)).to_have_text("Мария Склодовская-Кюри")

    # Congratulate.
    page.get_by_label("Поздравление").fill("С днём рождения!\nВсего самого доброго.")
    page.get_by_role("button", name="Поздравить").click()
    expect(page).to_have_url(re.compile(r"#congratulations$"))
    expect(page.locator(".congratulations")).to_contain_text("С днём рождения!")
    expect(page.locator(".congratulations")).to_contain_text("newcomer")

    # Delete, after a confirmation page.
    page.get_by_role("link", name="Удалить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Удалить день рождения")
    assert_accessible(page)
    page.get_by_role("button", name="Удалить").click()
    expect(page.get_by_role("status")).to_have_text(DELETED)
    expect(page.get_by_text("Мария Склодовская-Кюри")).to_have_count(0)
    assert page.goto(detail_url).status == 404
