"""The benchmark table: printed, and written as Markdown with the machine's CPU and the date."""

import datetime as dt
import platform
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
    import os

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


def write(rows: list[Row], extras: list[str]) -> str:
    text = markdown(rows, extras)
    (ROOT / "docs" / "benchmarks.md").write_text(text)
    return text
