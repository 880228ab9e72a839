"""What a failed journey leaves behind: a screenshot, the page's HTML and the server's log."""

import re
from pathlib import Path

from playwright.sync_api import Page

from tests.support.processes import PROJECT_DIR

from .server import LiveSite

ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts" / "e2e"


def save_artifacts(nodeid: str, page: Page, site: LiveSite | None) -> Path:
    folder = ARTIFACTS_DIR / re.sub(r"[^\w.-]+", "_", nodeid.removeprefix("tests/e2e/"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / "page.png", full_page=True)
    (folder / "page.html").write_text(page.content())
    if site is not None:
        (folder / "server.log").write_text(site.log("server"))
    return folder
