"""Journey 3: an admin adds an alert recipient, tests it, and it then gets real alerts."""

import time

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.mail import Inbox, text_of
from tests.support.texts import ALERT_SUBJECT, BEATLES_KIND

from .server import LiveSite
from .steps import PASSWORD, admin_log_in, fill_birthday_form, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RECIPIENT = "beatles-watch@acme.not"
SENT_TIMEOUT = 10.0


def add_recipient(page: Page, email: str) -> None:
    page.get_by_role("link", name="Получатели оповещений").click()
    page.get_by_role("link", name="Добавить получатель оповещений").click()
    page.get_by_label("Эл. почта").fill(email)
    page.get_by_label("Имя").fill("Beatles watch")
    page.locator("select[name='subscriptions-0-kind']").select_option(label=BEATLES_KIND)
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(email)


def send_test_alert(page: Page, email: str) -> None:
    """From the recipients' list, as an admin does: tick the row, pick the action, run it."""
    page.get_by_role("row").filter(has_text=email).get_by_role("checkbox").check()
    page.get_by_label("Действие:").select_option(label="Отправить тестовое оповещение")
    page.get_by_role("button", name="Запустить").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Тестовое оповещение записано и отправляется."
    )


def wait_until_sent(page: Page, email: str) -> None:
    """Reloads the deliveries to `email`, as an admin would, until the newest one is sent.

    Until the worker's pass has fanned the alert out, there is no delivery to list yet.
    """
    deadline = time.monotonic() + SENT_TIMEOUT
    while True:
        page.goto(f"/admin/alerts/delivery/?q={email}")
        rows = page.locator("#result_list tbody tr")
        newest = rows.first.inner_text() if rows.count() else "no delivery yet"
        if "отправлено" in newest:
            return
        assert time.monotonic() < deadline, f"delivery to {email} not sent: {newest}"
        time.sleep(0.5)


def test_admin_adds_a_recipient_who_gets_the_test_and_real_alerts(
    page: Page, browser: Browser, live_site: LiveSite, admin_login, make_user, inbox: Inbox
) -> None:
    admin_log_in(page, *admin_login)
    add_recipient(page, RECIPIENT)
    send_test_alert(page, RECIPIENT)
    wait_until_sent(page, RECIPIENT)
    test_alert = inbox.wait_for(RECIPIENT, ALERT_SUBJECT)
    assert test_alert["Subject"] == f"[тест] {ALERT_SUBJECT}"

    # A normal user, in a browser of their own, types a Beatle's name.
    with browser.new_context(base_url=live_site.url, locale="ru-RU") as user_context:
        user_page = user_context.new_page()
        log_in(user_page, make_user(), PASSWORD)
        user_page.goto("/birthday/create/")
        fill_birthday_form(user_page, "Джон", "Леннон", "1940-10-09")
        user_page.get_by_role("button", name="Сохранить").click()
        expect(user_page.locator("main form").get_by_role("alert")).to_be_visible()

    for address in (RECIPIENT, "admin@acme.not"):
        alert = inbox.wait_for(address, ALERT_SUBJECT)
        assert alert["Subject"] == ALERT_SUBJECT
        assert text_of(alert).startswith("Джон Леннон пытался опубликовать запись!")
