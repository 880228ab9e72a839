"""Regenerates the README's screenshots in docs/screenshots/ (`make screenshots`).

Runs the same real server as the journeys, with the demo data, and photographs the main pages.
"""

from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.support.mail import link_in, wait_for_file
from tests.support.processes import PROJECT_DIR

from .browser import launch_chromium
from .server import LiveSite
from .steps import admin_log_in, fill_birthday_form, log_in

OUTPUT_DIR = PROJECT_DIR / "docs" / "screenshots"
DEMO_LOGIN = ("demo", "demo-birthday-2026")
DEMO_EMAIL = "demo@acme.not"
DEMO_ADMIN = ("admin", "admin-birthday-2026")


def shoot(page: Page, name: str) -> Path:
    path = OUTPUT_DIR / f"{name}.png"
    page.screenshot(path=path)
    return path


def take_screenshots(site: LiveSite, page: Page) -> list[Path]:
    shots = []
    page.goto("/")
    shots.append(shoot(page, "home"))
    shots.extend(password_reset_shots(site, page))
    log_in(page, *DEMO_LOGIN)
    page.goto("/birthday/")
    shots.append(shoot(page, "list"))
    page.get_by_role("link", name="Александр Пушкин").click()
    page.get_by_label("Поздравление").fill("С днём рождения! Стихи — лучшие.")
    page.get_by_role("button", name="Поздравить").click()
    page.evaluate("window.scrollTo(0, 0)")
    shots.append(shoot(page, "detail"))
    page.goto("/birthday/create/")
    fill_birthday_form(page, "Ринго", "Старр", "1940-07-07")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_role("alert").first.wait_for()
    shots.append(shoot(page, "beatles-error"))
    shots.extend(alert_tools_shots(site, page))
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/birthday/")
    shots.append(shoot(page, "list-phone"))
    return shots


def password_reset_shots(site: LiveSite, page: Page) -> list[Path]:
    """The request form, filled in, and the page the emailed link opens."""
    page.goto("/auth/login/")
    page.get_by_role("link", name="Забыли пароль?").click()
    page.get_by_label("Адрес электронной почты").fill(DEMO_EMAIL)
    shots = [shoot(page, "password-reset")]
    page.get_by_role("button", name="Отправить ссылку").click()
    page.get_by_role("heading", name="Проверьте почту").wait_for()
    page.goto(link_in(wait_for_file(site.mail_dir), site.url))
    page.get_by_role("heading", name="Новый пароль").wait_for()
    shots.append(shoot(page, "password-reset-confirm"))
    return shots


def alert_tools_shots(site: LiveSite, page: Page) -> list[Path]:
    """The delivery dashboard over a week of sample deliveries, and an email's preview."""
    site.shell("from bench.dashboard import seed; seed('3000')")
    context = page.context.browser.new_context(
        base_url=site.url, locale="ru-RU", viewport={"width": 1280, "height": 800}
    )
    admin = context.new_page()
    admin_log_in(admin, *DEMO_ADMIN)
    admin.goto("/admin/alerts/dashboard/")
    shots = [OUTPUT_DIR / "dashboard.png"]
    admin.screenshot(path=shots[0], full_page=True)
    admin.goto("/admin/alerts/previews/alerts.beatles_name_rejected/")
    admin.frame_locator("section[lang='ru'] iframe").locator("body").wait_for()
    shots.append(shoot(admin, "preview"))
    context.close()
    return shots


def main() -> None:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    site = LiveSite()
    site.start()
    try:
        site.manage("load_demo_data")
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(
                base_url=site.url, locale="ru-RU", viewport={"width": 1280, "height": 800}
            )
            for path in take_screenshots(site, page):
                print(path.relative_to(PROJECT_DIR))  # noqa: T201 (a command-line tool)
            browser.close()
    finally:
        site.stop()


if __name__ == "__main__":
    main()
