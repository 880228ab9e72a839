"""Basic accessibility checks run in the browser on every page a journey visits."""

from playwright.sync_api import Page

# Controls a person fills in; buttons name themselves by their text.
UNLABELLED_CONTROLS_JS = """
() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button', 'reset'].includes(el.type))
  .filter(el => el.labels.length === 0
    && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML)
"""


def assert_accessible(page: Page) -> None:
    """Every control has a label, the page has a title and exactly one h1, images have alt."""
    assert page.title().strip(), f"{page.url} has no <title>"
    assert page.locator("h1").count() == 1, f"{page.url} needs exactly one <h1>"
    assert page.evaluate(UNLABELLED_CONTROLS_JS) == [], f"unlabelled controls on {page.url}"
    assert page.locator("img:not([alt])").count() == 0, f"an image without alt on {page.url}"
    assert page.locator("html[lang]").count() == 1, f"{page.url} does not name its language"
