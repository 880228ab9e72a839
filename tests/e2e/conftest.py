"""Browser journeys against a real server: fixtures, and failure artifacts (screenshot + HTML).

Playwright keeps an asyncio loop running while it is started, and Django refuses ORM calls from
inside one: the browser and the server live for this package only (scope "package"), so test
modules that run after it use the ORM undisturbed. The tests here never touch the ORM in-process;
they reach the server's database through `LiveSite.shell`.
"""

import itertools
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.mail import Inbox
from tests.support.services import require_or_skip
from tests.support.smtp import SMTPServer

from .artifacts import save_artifacts
from .browser import chromium_path, launch_chromium
from .server import LiveSite
from .steps import DESKTOP, PASSWORD

_usernames = itertools.count(1)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    require_or_skip(path.exists(), f"Chromium not found at {path} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def mail_server() -> Iterator[SMTPServer]:
    """A real SMTP server on loopback, in this process, receiving all the site's email."""
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def inbox(mail_server: SMTPServer) -> Inbox:
    return Inbox(mail_server)


@pytest.fixture(scope="package")
def live_site(mail_server: SMTPServer) -> Iterator[LiveSite]:
    site = LiveSite(smtp_port=mail_server.port)
    site.start()
    yield site
    site.stop()


@pytest.fixture
def page(browser: Browser, live_site: LiveSite) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the site, in Russian, on a desktop screen."""
    context = browser.new_context(base_url=live_site.url, locale="ru-RU", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def make_user(live_site: LiveSite):
    """Creates a user in the server's database; returns its username (password: PASSWORD).

    The user's email address is `<username>@example.com`.
    """

    def make() -> str:
        username = f"user{next(_usernames)}"
        live_site.shell(
            "from django.contrib.auth import get_user_model; "
            f"get_user_model().objects.create_user({username!r}, "
            f"email={username + '@example.com'!r}, password={PASSWORD!r})"
        )
        return username

    return make


@pytest.fixture(scope="package")
def admin_login(live_site: LiveSite) -> tuple[str, str]:
    """A superuser in the server's database (once for all journeys); its login and password."""
    live_site.shell(
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.create_superuser("
        f"'e2e-admin', 'e2e-admin@example.com', {PASSWORD!r})"
    )
    return "e2e-admin", PASSWORD


@pytest.fixture(scope="package")
def ada_birthday(live_site: LiveSite) -> int:
    """Ada Lovelace's birthday with a tag, added by a user no test signs in as; returns its pk."""
    return int(
        live_site.shell(
            "import datetime; from django.contrib.auth import get_user_model; "
            "from birthday.models import Birthday, Tag; "
            "author = get_user_model().objects.create_user('ada-author', 'ada@example.com'); "
            "ada = Birthday.objects.create(first_name='Ада', last_name='Лавлейс', "
            "birthday=datetime.date(1815, 12, 10), author=author); "
            "ada.tags.add(Tag.objects.get_or_create(tag='наука')[0]); "
            "print(ada.pk)"
        )
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    """On a failed journey, keep what the browser showed and what the server logged."""
    report = yield
    funcargs = getattr(item, "funcargs", {})
    page = funcargs.get("page")
    if report.when == "call" and report.failed and page is not None and not page.is_closed():
        folder = save_artifacts(item.nodeid, page, funcargs.get("live_site"))
        report.sections.append(("e2e artifacts", f"screenshot, HTML and server log in {folder}"))
    return report
