"""Moments for tests that control time."""

import datetime as dt

# The start of a 600-second throttle window (epoch-aligned).
WINDOW_START = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
