"""The benchmark table: printed, and written as Markdown with the machine's CPU and the date."""

import datetime as dt
import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path

from .processes import ROOT


@dataclass
class Row:
    number: str
    name: str
    measured: str
    result: str
    target: str
    met: bool | None  # None: not measured (what it needs has not landed, or no PostgreSQL)
    bound: str = ""  # the physical or protocol limit the row is measured against


def skipped(number: str, name: str, target: str, why: str) -> Row:
    return Row(number, name, "—", why, target, None)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def markdown(rows: list[Row], extras: list[str]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {cpu_model()} "
        f"({os.cpu_count()} cores), Python {platform.python_version()}. "
        "Regenerate with `make bench`.",
        "",
        "| # | what | measured (side by side) | result | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        met = {True: "yes", False: "**no**", None: "not run"}[row.met]
        lines.append(
            f"| {row.number} | {row.name} | {row.measured} | {row.result} | {row.target} | {met} |"
        )
    lines += ["", "What bounds each row:", ""]
    lines += [f"- **{row.number}**: {row.bound}" for row in rows if row.bound]
    lines += ["", *extras, ""]
    return "\n".join(lines)


README_BLOCK = re.compile(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)", re.S)


def sync_readme(text: str) -> None:
    """Put the run's table and its notes (from the header row on) between the README's markers."""
    table = text[text.index("| # |") :].strip()
    readme = ROOT / "README.md"
    readme.write_text(README_BLOCK.sub(lambda m: f"{m[1]}{table}\n{m[2]}", readme.read_text()))


def write(rows: list[Row], extras: list[str]) -> str:
    """docs/benchmarks.md and the README's copy of the table: always the latest run."""
    text = markdown(rows, extras)
    (ROOT / "docs" / "benchmarks.md").write_text(text)
    sync_readme(text)
    return text
