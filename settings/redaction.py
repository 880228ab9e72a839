"""A structlog processor that keeps secrets and personal data out of every log line.

It runs in the formatter, so it sees structlog events and records from plain `logging`
(Django, the task worker, libraries) alike.
"""

import functools
import re
from collections.abc import Mapping
from typing import Any

REDACTED = "[redacted]"

# Keys whose values are never written, whatever they hold (matched as substrings, any case).
SENSITIVE_KEYS = (
    "password",
    "passwd",
    "token",
    "secret",
    "api_key",
    "apikey",
    "authorization",
    "cookie",
    "sessionid",
    "csrf",
)

EMAIL = re.compile(r"(?<![\w.%+-])([\w%+-])[\w.%+-]*@([\w-]+(?:\.[\w-]+)+)")
# Password reset links: /auth/reset/<uidb64>/<token>/ (and the "set-password" step after it).
RESET_LINK = re.compile(r"(/reset/)[^\s\"'<>]+")
# Sign-up confirmation links: /auth/confirm/<token>/ (not the resend page beside them).
CONFIRM_LINK = re.compile(r"(/confirm/)(?!resend/)[^\s\"'<>]+")


@functools.lru_cache(maxsize=1024)
def is_sensitive_key(key: object) -> bool:
    """Cached: a log line's keys are a few names, asked again on every line."""
    name = str(key).lower()
    return any(fragment in name for fragment in SENSITIVE_KEYS)


def redact_text(text: str) -> str:
    """Mask email addresses to `a***@domain`; cut the token of reset and confirmation links.

    Each pattern runs only on text holding its literal part (most values hold none): every
    log line passes here, the request's own lines included.
    """
    if "/reset/" in text:
        text = RESET_LINK.sub(rf"\1{REDACTED}", text)
    if "/confirm/" in text:
        text = CONFIRM_LINK.sub(rf"\1{REDACTED}", text)
    if "@" in text:
        text = EMAIL.sub(r"\1***@\2", text)
    return text


def redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {
            key: REDACTED if is_sensitive_key(key) else redact_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [redact_value(item) for item in value]
    # Anything else (a user, an exception, a request) is rendered as text: mask that text.
    return redact_text(str(value))


def redact_sensitive_data(logger: Any, method_name: str, event_dict: dict) -> dict:
    """structlog processor: redact sensitive keys and mask secrets inside every value."""
    return redact_value(event_dict)
