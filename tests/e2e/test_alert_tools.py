"""Journeys of the alerting operator: a silence and its summary, a preview sent to oneself, the
dashboard. Mail goes to the real SMTP server on loopback."""

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.mail import Inbox, text_of
from tests.support.texts import ALERT_SUBJECT, BEATLES_KIND

from .a11y import assert_accessible
from .server import LiveSite
from .steps import PASSWORD, admin_log_in, fill_birthday_form, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SITE_ZONE = ZoneInfo("Europe/Moscow")  # the development profile's TIME_ZONE
SILENCE_SECONDS = 12


def submit_a_beatle(browser: Browser, live_site: LiveSite, username: str) -> None:
    with browser.new_context(base_url=live_site.url, locale="ru-RU") as context:
        user_page = context.new_page()
        log_in(user_page, username, PASSWORD)
        user_page.goto("/birthday/create/")
        fill_birthday_form(user_page, "Ринго", "Старр", "1940-07-07")
        user_page.get_by_role("button", name="Сохранить").click()
        expect(user_page.locator("main form").get_by_role("alert")).to_be_visible()


def add_silence(page: Page, ends_at: dt.datetime, reason: str) -> None:
    page.goto("/admin/")
    page.get_by_role("link", name="Тишины").click()
    page.get_by_role("link", name="Добавить тишина").click()
    page.get_by_label("Вид").select_option(label=BEATLES_KIND)
    local = ends_at.astimezone(SITE_ZONE)
    ends = page.locator(".field-ends_at")
    ends.locator("input[name='ends_at_0']").fill(local.strftime("%d.%m.%Y"))
    ends.locator("input[name='ends_at_1']").fill(local.strftime("%H:%M:%S"))
    page.get_by_label("Причина").fill(reason)
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("добавлен")


def test_a_silence_holds_alerts_and_its_summary_arrives_when_it_ends(
    page: Page, browser: Browser, live_site: LiveSite, admin_login, make_user, inbox: Inbox
) -> None:
    admin_log_in(page, *admin_login)
    add_silence(page, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=SILENCE_SECONDS), "Релиз")
    started = time.monotonic()
    submit_a_beatle(browser, live_site, make_user())

    # Recorded and visible, nothing emailed.
    first_row = page.locator("#result_list tbody tr").first
    deadline = time.monotonic() + 8  # the worker fans the alert out within its poll interval
    while True:  # the list is a static page: load it again until the delivery is there
        page.goto("/admin/alerts/delivery/?q=admin@acme.not")
        if first_row.count() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(first_row).to_contain_text("заглушено")
    with pytest.raises(AssertionError):
        inbox.wait_for("admin@acme.not", ALERT_SUBJECT, timeout=2)

    wait = SILENCE_SECONDS - (time.monotonic() - started) + 15
    summary = inbox.wait_for("admin@acme.not", "Тишина завершена", timeout=wait)
    assert summary["Subject"] == "Тишина завершена: 1 оповещение"
    text = text_of(summary)
    assert f"{BEATLES_KIND}: 1" in text
    assert f"{live_site.url}/admin/alerts/alert/?deliveries__digest__id__exact=" in text
    with pytest.raises(AssertionError):  # once only
        inbox.wait_for("admin@acme.not", "Тишина завершена", timeout=2)


def test_an_admin_previews_an_email_and_sends_it_to_themselves(
    page: Page, admin_login, inbox: Inbox
) -> None:
    admin_log_in(page, *admin_login)
    page.get_by_role("link", name="Предпросмотр писем").click()
    assert_accessible(page)
    page.get_by_role("link", name="Восстановление пароля").click()
    english = page.locator("section[lang='en']")
    expect(english.locator(".preview-subject")).to_have_text("Password reset on Birthday")
    frame = page.frame_locator("section[lang='ru'] iframe")
    expect(frame.locator("body")).to_contain_text("/auth/reset/")
    page.get_by_role("button", name="Отправить этот образец мне (Русский)").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Образец (Русский) отправлен на e2e-admin@example.com с пометкой «тест»."
    )
    sent = inbox.wait_for("e2e-admin@example.com", "[тест] Восстановление пароля")
    assert sent["X-Birthday-Preview"] == "accounts.password_reset"


def test_an_admin_opens_the_dashboard_and_follows_a_number(page: Page, admin_login) -> None:
    admin_log_in(page, *admin_login)
    page.get_by_role("link", name="Сводка доставки").click()
    assert_accessible(page)
    expect(
        page.get_by_role("img", name="События и отправленные письма по часам, последние 24 часа")
    ).to_be_visible()
    page.get_by_role("row", name="отправлено").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"status__exact=sent"))
    expect(page.locator("#changelist")).to_be_visible()
