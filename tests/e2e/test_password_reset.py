"""Journey 4: a forgotten password, reset through the link in the email, works once."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.mail import Inbox, link_in
from tests.support.texts import RESET_SUBJECT

from .a11y import assert_accessible
from .server import LiveSite
from .steps import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEW_PASSWORD = "Reset-Birthday-2026?"


def test_forgotten_password_is_reset_through_the_emailed_link(
    page: Page, make_user, inbox: Inbox, live_site: LiveSite
) -> None:
    username = make_user()
    page.goto("/auth/login/")
    page.get_by_role("link", name="Забыли пароль?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Восстановление пароля")
    assert_accessible(page)
    page.get_by_label("Адрес электронной почты").fill(f"{username}@example.com")
    page.get_by_role("button", name="Отправить ссылку").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Проверьте почту")
    assert_accessible(page)

    email = inbox.wait_for(f"{username}@example.com", RESET_SUBJECT)
    link = link_in(email, live_site.url)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Новый пароль")
    assert_accessible(page)
    page.get_by_label("Новый пароль:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Подтверждение нового пароля").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Сохранить пароль").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Пароль установлен")
    assert_accessible(page)

    page.locator("main").get_by_role("link", name="Войти").click()
    expect(page).to_have_url(f"{live_site.url}/auth/login/")
    log_in(page, username, NEW_PASSWORD)

    page.goto(link)
    expect(page.locator("main")).to_contain_text("Эта ссылка недействительна")
    expect(page.get_by_label("Новый пароль:", exact=True)).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Запросить новую ссылку").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Восстановление пароля")
