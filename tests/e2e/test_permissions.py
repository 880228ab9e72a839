"""Journey 5: a signed-in stranger cannot change someone else's birthday."""

import pytest
from playwright.sync_api import Page, expect

from .a11y import assert_accessible
from .steps import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_a_stranger_gets_a_friendly_403(
    page: Page, make_user, ada_birthday: int, action: str
) -> None:
    log_in(page, make_user(), PASSWORD)

    page.goto(f"/birthday/{ada_birthday}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ада Лавлейс")
    expect(page.get_by_role("link", name="Изменить")).to_have_count(0)
    expect(page.get_by_role("link", name="Удалить")).to_have_count(0)

    response = page.goto(f"/birthday/{ada_birthday}/{action}/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("403 · Доступ запрещён")
    expect(page.get_by_text("Изменять запись может только её автор.")).to_be_visible()
    expect(page.locator(".site-header")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Вернуться к списку").click()
    expect(page.get_by_text("Ада Лавлейс")).to_be_visible()
