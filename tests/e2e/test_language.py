"""The language switch, and an English that is complete: no Russian left on any page."""

import re

import pytest
from playwright.sync_api import Page, expect

from .a11y import assert_accessible
from .steps import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CYRILLIC = re.compile(r"[А-Яа-яЁё]+")
# Names and tags are data, not the site's words: the ones other journeys leave in the database.
USER_TEXT = {"Ада", "Лавлейс", "наука", "друзья"}


def assert_english(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en")
    text = page.title() + "\n" + page.locator("body").inner_text()
    russian = set(CYRILLIC.findall(text)) - USER_TEXT
    assert not russian, f"Russian words left on {page.url}: {sorted(russian)}"
    assert_accessible(page)


def test_switch_to_english_and_every_page_is_english(
    page: Page, make_user, ada_birthday: int
) -> None:
    page.goto("/")
    page.get_by_label("Язык").select_option("en")
    page.get_by_role("button", name="Сменить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Never forget a friend's birthday")
    assert_english(page)

    for path in ["/auth/login/", "/auth/registration/", "/auth/password_reset/"]:
        page.goto(path)
        assert_english(page)

    page.goto("/auth/login/")
    page.get_by_label("Username").fill(make_user())
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    for path in [
        "/",
        f"/birthday/{ada_birthday}/",
        "/birthday/create/",
        "/auth/password_change/",
        f"/birthday/{ada_birthday}/edit/",  # someone else's: the 403 page
    ]:
        page.goto(path)
        assert_english(page)

    # The list: the site's own words around whatever names others typed.
    page.goto("/birthday/")
    for part in ["header", "h1", "footer", ".birthday-item .muted >> nth=0"]:
        text = page.locator(part).first.inner_text()
        assert not CYRILLIC.search(text), f"Russian in the list's {part}: {text}"

    # The Beatles rule and a birthday of one's own: its page, edit and delete pages.
    page.goto("/birthday/create/")
    fill_birthday_form_en(page, "John", "Lennon", "1940-10-09")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_have_text(
        "We love the Beatles too, but please enter a real name!"
    )
    assert_english(page)
    fill_birthday_form_en(page, "Grace", "Hopper", "1906-12-09")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Grace")
    assert_english(page)
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit a birthday")
    assert_english(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete a birthday")
    assert_english(page)


def fill_birthday_form_en(page: Page, first_name: str, last_name: str, born: str) -> None:
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    page.get_by_label("Date of birth").fill(born)
