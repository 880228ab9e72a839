"""Journey: an unconfirmed newcomer tries to log in, asks for a new link, and confirms."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.mail import Inbox, confirmation_link_in
from tests.support.texts import CONFIRM_SUBJECT

from .a11y import assert_accessible
from .server import LiveSite
from .steps import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def sign_up(page: Page, username: str, address: str) -> None:
    page.goto("/auth/registration/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Адрес электронной почты").fill(address)
    page.get_by_label(re.compile(r"^Пароль")).fill(PASSWORD)
    page.get_by_label("Подтверждение пароля").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Регистрация").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Проверьте почту")


def test_unconfirmed_login_offers_a_new_link_that_works(
    page: Page, inbox: Inbox, live_site: LiveSite
) -> None:
    sign_up(page, "latecomer", "latecomer@example.com")
    first = inbox.wait_for("latecomer@example.com", CONFIRM_SUBJECT)

    page.goto("/auth/login/")
    page.get_by_label("Имя пользователя").fill("latecomer")
    page.get_by_label("Пароль").fill("not-even-the-password")
    page.locator("main").get_by_role("button", name="Войти").click()
    expect(page.locator("main")).to_contain_text("Сначала подтвердите адрес")
    assert_accessible(page)
    page.get_by_role("link", name="Отправить ссылку для подтверждения ещё раз").click()
    page.get_by_label("Адрес электронной почты").fill("latecomer@example.com")
    page.get_by_role("button", name="Отправить ссылку").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Проверьте почту")

    second = inbox.wait_for("latecomer@example.com", CONFIRM_SUBJECT)
    link = confirmation_link_in(second, live_site.url)
    page.goto(link)
    page.get_by_role("button", name="Подтвердить адрес").click()
    expect(page.get_by_role("status")).to_contain_text("Адрес подтверждён")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()

    # Both links are spent once the address is confirmed.
    for spent in (link, confirmation_link_in(first, live_site.url)):
        page.goto(spent)
        expect(page.locator("main")).to_contain_text("Эта ссылка недействительна")
    assert_accessible(page)
