"""Basic accessibility of every page, the keyboard alone, and a phone-sized screen."""

import pytest
from playwright.sync_api import Page, expect

from .a11y import assert_accessible
from .steps import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANONYMOUS_PAGES = [
    "/",
    "/birthday/",
    "/auth/login/",
    "/auth/registration/",
    "/auth/registration/done/",
    "/auth/confirm/resend/",  # the confirmation page itself: tests/e2e/test_sign_up.py
    "/auth/password_reset/",
    "/auth/password_reset/done/",
    "/auth/reset/done/",  # the new-password and invalid-link pages: journey 4
]
SIGNED_IN_PAGES = ["/birthday/create/", "/auth/password_change/"]
PHONE = {"width": 375, "height": 740}


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response.status == 200, path


def test_every_page_has_labels_a_title_and_one_heading(page: Page, make_user) -> None:
    for path in ANONYMOUS_PAGES:
        visit(page, path)
        assert_accessible(page)
    log_in(page, make_user(), PASSWORD)
    for path in SIGNED_IN_PAGES:
        visit(page, path)
        assert_accessible(page)


def tab_to(page: Page, name: str, limit: int = 25) -> None:
    """Presses Tab until the link or button called `name` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == name:
            return
    pytest.fail(f"{name!r} cannot be reached with Tab")


def test_the_first_tab_offers_to_skip_the_menu(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Перейти к содержанию")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_log_in_with_the_keyboard_alone(page: Page, make_user) -> None:
    username = make_user()
    page.goto("/")
    tab_to(page, "Войти")
    page.keyboard.press("Enter")

    # The login page puts the cursor in the username field.
    expect(page.get_by_label("Имя пользователя")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Пароль")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("button", name="Выйти")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Дни рождения")


def test_pages_fit_a_phone_screen(page: Page, make_user, ada_birthday: int) -> None:
    """Nothing makes a 375 px wide screen scroll sideways."""
    page.set_viewport_size(PHONE)
    log_in(page, make_user(), PASSWORD)
    for path in [*ANONYMOUS_PAGES, *SIGNED_IN_PAGES, f"/birthday/{ada_birthday}/"]:
        visit(page, path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px wider than a phone"
