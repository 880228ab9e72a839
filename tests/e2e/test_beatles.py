"""Journey 2: a Beatle's name is refused next to the form, the input is kept, the admin is told."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.mail import Inbox, text_of
from tests.support.texts import ALERT_LINE, ALERT_SUBJECT, BEATLES_ERROR

from .a11y import assert_accessible
from .steps import PASSWORD, fill_birthday_form, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_beatle_is_refused_and_the_admin_gets_an_email(
    page: Page, make_user, inbox: Inbox
) -> None:
    username = make_user()
    log_in(page, username, PASSWORD)
    page.goto("/birthday/create/")
    fill_birthday_form(page, "Ринго", "Старр", "1940-07-07")

    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Сохранить").click()

    assert posted.value.status == 400
    form = page.locator("main form")
    expect(form.get_by_role("alert")).to_have_text(BEATLES_ERROR)
    expect(page.get_by_label("Имя")).to_have_value("Ринго")
    expect(page.get_by_label("Фамилия")).to_have_value("Старр")
    expect(page.get_by_label("Дата рождения")).to_have_value("1940-07-07")
    assert_accessible(page)
    page.goto("/birthday/")
    expect(page.get_by_text("Ринго Старр")).to_have_count(0)

    alert = inbox.wait_for("admin@acme.not", ALERT_SUBJECT)
    assert alert["Subject"] == ALERT_SUBJECT
    text = text_of(alert)
    assert text.splitlines()[0] == ALERT_LINE
    assert f"{username} (id " in text
