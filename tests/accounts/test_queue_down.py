"""When the task queue refuses an account email, the person still gets the page, not a 500."""

import pytest
from django.db import connection

from tests.factories import PASSWORD
from tests.support.passwords import DONE_URL, NEW_PASSWORD, RESET_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_down(db_tasks):
    """Tasks go to the database, and their table is gone (until the test's rollback)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE django_tasks_database_dbtaskresult RENAME TO django_tasks_gone")


def test_a_reset_request_still_gets_the_same_answer(
    client, user, queue_down, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(RESET_URL, {"email": user.email})

    assert len(callbacks) == 1  # the enqueue was tried, and failed
    assert response.status_code == 302
    assert response.url == DONE_URL
    assert mailoutbox == []


def test_a_password_change_still_gets_its_done_page(
    client, user, queue_down, django_capture_on_commit_callbacks
):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            "/auth/password_change/",
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )

    assert len(callbacks) == 1
    assert response.status_code == 302
    assert response.url == "/auth/password_change/done/"
