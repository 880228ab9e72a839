"""Debian's Chromium driven by Playwright (Playwright's own browser download is never needed)."""

import os
from pathlib import Path

from playwright.sync_api import Browser, Playwright

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> Path:
    """The browser binary: $CHROMIUM_PATH, else Debian's /usr/bin/chromium."""
    return Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


def launch_chromium(playwright: Playwright) -> Browser:
    """A headless Chromium with a fresh profile (Playwright gives each launch its own)."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
    )
