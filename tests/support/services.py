"""Services a laptop may lack (PostgreSQL, Chromium): skipped locally, required in CI."""

import os

import pytest


def require_or_skip(available: bool, reason: str) -> None:
    """Skip when a service is missing, unless CI requires it (REQUIRE_SERVICES=1): then fail."""
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)
