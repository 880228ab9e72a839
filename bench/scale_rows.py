"""Rows 8b and 8d: what other parts of the site must do at scale (8c is bench/dashboard.py).

They call what their issues provide: the `send_reminders` command (issue 15, through
bench.seed reminders_pass), bench/dashboard.py (issue 16), bench/beatles.py (issue 18).
"""

import json
from pathlib import Path

from .report import Row
from .site import Site, run_in


def _measure(site: Site, *args: str) -> dict:
    return json.loads(site.seed(*args).splitlines()[-1])


def reminders(workdir: Path) -> Row:
    """Row 8b: one reminders pass at 1,000 users and at 10,000 (100,000 birthdays)."""
    name = "Reminders: one full pass, 100,000 birthdays of 10,000 users, all due"
    target = "≤ 60 s; queries per batch of 1,000 accounts, never per user (< 1 per 50 users)"
    small = _measure(Site(workdir, "reminders1000"), "reminders_pass", "1000", "10000")
    large = _measure(Site(workdir, "reminders10000"), "reminders_pass", "10000", "100000")
    return Row(
        "8b",
        name,
        f"{large['seconds']:.1f} s; queries {small['queries']} (1,000 users) vs "
        f"{large['queries']} (10,000 users)",
        f"{large['seconds']:.1f} s",
        target,
        large["seconds"] <= 60 and large["queries"] < 10_000 / 50,
        bound="the database: reading due birthdays, writing one alert per user in bulk per batch",
    )


def beatles_check(workdir: Path) -> Row:
    """Row 8d: the Beatles check per name, over issue 18's mixed set (bench.beatles)."""
    result = json.loads(run_in(Site(workdir, "beatles").env, "bench.beatles").splitlines()[-1])
    return Row(
        "8d",
        "Beatles check per name: plain and disguised Beatles, near misses, ordinary and "
        "hostile names (bench/beatles.py)",
        f"median {result['median_us']:.1f} µs, slowest name {result['max_us']:.1f} µs",
        f"{result['max_us']:.1f} µs at most",
        "≤ 50 µs per name",
        result["max_us"] <= 50,
        bound="pure Python string work per name (visible text, TR39 skeleton, one regex)",
    )
