"""Journey: a user sets their reminders, gets one on the real SMTP server, and unsubscribes."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.support.mail import Inbox, html_of, text_of

from .a11y import assert_accessible
from .server import LiveSite
from .steps import PASSWORD, fill_birthday_form, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ZONE = "Asia/Tokyo"  # six hours east of the site's Moscow: the user's own date and hour count


def test_set_preferences_receive_the_reminder_and_unsubscribe_from_it(
    page: Page, make_user, inbox: Inbox, live_site: LiveSite
) -> None:
    username = make_user()
    log_in(page, username, PASSWORD)
    local_now = dt.datetime.now(ZoneInfo(ZONE))
    celebrated = local_now.date() + dt.timedelta(days=3)
    born = celebrated.replace(year=1992)  # a leap year: any day works

    page.get_by_role("link", name="Добавить", exact=True).click()
    fill_birthday_form(page, "Мария", username.capitalize(), born.isoformat())
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Мария")

    # Notifications: three days before only, at this hour (already reached), in Tokyo.
    page.get_by_role("navigation").get_by_role("link", name="Уведомления").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Уведомления")
    assert_accessible(page)
    expect(page.get_by_label("Напоминать мне о днях рождения друзей по почте")).to_be_checked()
    page.get_by_label("В сам день").uncheck()
    page.get_by_label("За 1 день").uncheck()
    page.get_by_label("За 3 дня").check()
    page.get_by_label("Во сколько").select_option(str(local_now.hour))
    zone_field = page.get_by_label("Часовой пояс")
    zone_field.fill("Asia/Tokio")  # a typo: the form says so, with a 400, and keeps the rest
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".field-error")).to_contain_text("Неизвестный часовой пояс «Asia/Tokio»")
    expect(page.get_by_label("За 3 дня")).to_be_checked()
    zone_field.fill(ZONE)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("status")).to_contain_text("Настройки уведомлений сохранены.")
    expect(zone_field).to_have_value(ZONE)

    live_site.manage("send_reminders")  # the pass the scheduler runs every hour
    email = inbox.wait_for(f"{username}@example.com", "День рождения через 3 дня")
    assert email["Subject"] == f"День рождения через 3 дня: Мария {username.capitalize()}"
    text = text_of(email)
    assert f"Мария {username.capitalize()}" in text
    assert f"исполнится {celebrated.year - 1992} " in text
    assert re.search(rf"{re.escape(live_site.url)}/birthday/\d+/", text)
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    raw_header = dict(email.raw_items())["List-Unsubscribe"]  # as it came over SMTP
    unsubscribe = re.fullmatch(r"<(\S+)>", raw_header).group(1)
    assert unsubscribe.startswith(f"{live_site.url}/unsubscribe/")
    assert f'href="{unsubscribe}"' in html_of(email)

    # The link from the email: a page that asks first, then one button.
    page.goto(unsubscribe)
    expect(page.get_by_role("heading", level=1)).to_have_text("Отписаться")
    assert_accessible(page)
    page.locator("main").get_by_role("button", name="Отписаться").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Вы отписались")
    expect(page.locator("main")).to_contain_text("Больше не присылаем напоминания")
    assert_accessible(page)

    page.locator("main").get_by_role("link", name="Уведомления").click()
    expect(page.get_by_label("Напоминать мне о днях рождения друзей по почте")).not_to_be_checked()
    expect(page.get_by_label("За 3 дня")).to_be_checked()
