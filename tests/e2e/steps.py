"""What a person does on the site, as small reusable steps for the journeys."""

import io

from PIL import Image
from playwright.sync_api import Page, expect

PASSWORD = "e2e-Birthday-2026!"  # every user the journeys create has it
DESKTOP = {"width": 1280, "height": 800}


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/auth/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.locator("main").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()


def png(width: int = 64, height: int = 64, color: str = "#e8590c") -> bytes:
    """A small real PNG, as a phone camera would not make but Pillow happily checks."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def fill_birthday_form(page: Page, first_name: str, last_name: str, born: str) -> None:
    page.get_by_label("Имя").fill(first_name)
    page.get_by_label("Фамилия").fill(last_name)
    page.get_by_label("Дата рождения").fill(born)


def admin_log_in(page: Page, username: str, password: str) -> None:
    page.goto("/admin/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("link", name="Получатели оповещений")).to_be_visible()
