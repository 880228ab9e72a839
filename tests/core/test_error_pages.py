"""The site's own error pages: friendly, in the site's language, with the right status."""

import pytest
from django.test import RequestFactory

from core.views import server_error
from tests.support.texts import NOT_FOUND


def test_server_error_page_needs_no_database_and_says_sorry():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Что-то пошло не так" in response.content.decode()


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert NOT_FOUND in response.text
    assert 'class="site-header"' in response.text
