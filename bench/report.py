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
    name: str
    measured: str
    result: str
    target: str
    met: bool


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
    for number, row in enumerate(rows, 1):
        met = "yes" if row.met else "**no**"
        lines.append(
            f"| {number} | {row.name} | {row.measured} | {row.result} | {row.target} | {met} |"
        )
    lines += ["", *extras, ""]
    return "\n".join(lines)


README_BLOCK = re.compile(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)", re.S)


def sync_readme(text: str) -> None:
    """Put the run's table (from its header row on) between the README's bench markers."""
    table = text[text.index("| # |") :].strip()
    readme = ROOT / "README.md"
    readme.write_text(README_BLOCK.sub(lambda m: f"{m[1]}{table}\n{m[2]}", readme.read_text()))


def write(rows: list[Row], extras: list[str]) -> str:
    """docs/benchmarks.md and the README's copy of the table: always the latest run."""
    text = markdown(rows, extras)
    (ROOT / "docs" / "benchmarks.md").write_text(text)
    sync_readme(text)
    return text
