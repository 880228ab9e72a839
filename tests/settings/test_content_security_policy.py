"""A strict Content Security Policy on every page, which the pages keep to."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/auth/login/", "/auth/registration/", "/no-such-page/"])
def test_pages_send_the_policy_and_have_no_inline_style_or_script(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert "style=" not in html
    assert "<style" not in html
    assert "<script>" not in html
