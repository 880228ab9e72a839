"""The redaction processor on its own: every shape a value can take."""

import pytest

from settings.redaction import redact_sensitive_data, redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ann@acme.not", "a***@acme.not"),
        ("to ann.lee+bd@mail.acme.not, cc b@x.io", "to a***@mail.acme.not, cc b***@x.io"),
        ("иван@почта.рф", "и***@почта.рф"),
        ("/auth/reset/MQ/cz1k2l-abc123/", "/auth/reset/[redacted]"),
        ('GET "/auth/reset/MQ/set-password/" 302', 'GET "/auth/reset/[redacted]" 302'),
        ("no secret here @ all", "no secret here @ all"),
    ],
)
def test_text(text, expected):
    assert redact_text(text) == expected


def test_event_dict():
    class User:
        def __str__(self) -> str:
            return "ann@acme.not"

    event = {
        "event": "login_failed",
        "user": User(),
        "attempts": 3,
        "ok": False,
        "api_key": "k-123",
        "reset_token": "abc",
        "SECRET_KEY": "s",
        "recipients": ("ann@acme.not", "bob@acme.not"),
        "context": {"session_cookie": "c", "note": None},
    }
    assert redact_sensitive_data(None, "info", event) == {
        "event": "login_failed",
        "user": "a***@acme.not",
        "attempts": 3,
        "ok": False,
        "api_key": "[redacted]",
        "reset_token": "[redacted]",
        "SECRET_KEY": "[redacted]",
        "recipients": ["a***@acme.not", "b***@acme.not"],
        "context": {"session_cookie": "[redacted]", "note": None},
    }
