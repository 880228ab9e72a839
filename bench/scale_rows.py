"""Rows 8b-8d: what other parts of the site must do at scale, measured inside a site's database.

Each row calls what its issue provides (bench.seed reminders_pass, dashboard, beatles_check); until
that code exists the seed command says what is missing and the row reads "not run".
"""

import json
from pathlib import Path

from .report import Row, skipped
from .site import Site


def _measure(site: Site, *args: str) -> dict:
    return json.loads(site.seed(*args).splitlines()[-1])


def reminders(workdir: Path) -> Row:
    """Row 8b: one reminders pass at 1,000 users and at 10,000 (100,000 birthdays)."""
    name = "Reminders: one full pass, 100,000 birthdays of 10,000 users, all due"
    target = "≤ 60 s; queries by batch, never per user (< 1 per 100 users)"
    small = _measure(Site(workdir, "reminders1000"), "reminders_pass", "1000", "10000")
    if "missing" in small:
        return skipped("8b", name, target, f"not available yet: {small['missing']}")
    large = _measure(Site(workdir, "reminders10000"), "reminders_pass", "10000", "100000")
    return Row(
        "8b",
        name,
        f"{large['seconds']:.1f} s; queries {small['queries']} (1,000 users) vs "
        f"{large['queries']} (10,000 users)",
        f"{large['seconds']:.1f} s",
        target,
        large["seconds"] <= 60 and large["queries"] < 10_000 / 100,
        bound="the database: reading the due birthdays and writing one alert per user, in batches",
    )


def dashboard(workdir: Path) -> Row:
    """Row 8c: the delivery dashboard with 1,000 and with 100,000 deliveries."""
    name = "Delivery dashboard, 100,000 deliveries"
    target = "≤ 300 ms, same queries as with 1,000"
    site = Site(workdir, "dashboard")
    small = _measure(site, "dashboard", "1000")
    if "missing" in small:
        return skipped("8c", name, target, f"not available yet: {small['missing']}")
    large = _measure(site, "dashboard", "100000")
    return Row(
        "8c",
        name,
        f"median {large['median_ms']:.0f} ms (in-process); queries {small['queries']} "
        f"(1,000) vs {large['queries']} (100,000)",
        f"{large['median_ms']:.0f} ms",
        target,
        large["status"] == 200
        and large["median_ms"] <= 300
        and small["queries"] == large["queries"],
        bound="aggregate queries over the deliveries table: indexes, not rows in Python",
    )


def beatles_check(workdir: Path) -> Row:
    """Row 8d: the Beatles check on the variant table, per name."""
    name = "Beatles check, the table of variants"
    target = "≤ 50 µs per name"
    result = _measure(Site(workdir, "beatles"), "beatles_check")
    if "missing" in result:
        return skipped("8d", name, target, f"not available yet: {result['missing']}")
    return Row(
        "8d",
        name,
        f"{result['us_per_name']:.1f} µs per name over {result['names']} names",
        f"{result['us_per_name']:.1f} µs",
        target,
        result["us_per_name"] <= 50,
        bound="pure Python string work per name (normalization, skeleton, table look-up)",
    )
