"""Run every benchmark row with real processes and write docs/benchmarks.md and the README table.

Each row measures its two sides in the same run, interleaved where they are timings, so that a
ratio holds on a noisy machine. `python -m bench.run 3 5` runs only those rows (no files written).
"""

import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from . import dashboard, delivery_rows, scale_rows, web_rows
from .delivery_rows import Memory
from .processes import free_port
from .provider import ProviderStandIn
from .report import Row, write
from .smtp_sink import start_sink

SLOW_SMTP_DELAY = 0.5  # the reset row's mail server: an email sent inline would show
DISTANT_COMMAND_DELAY = 0.02  # row 3: each SMTP reply after 20 ms (a server across a continent)
PROVIDER_DELAY = 0.05  # rows 4-5: the provider answers each message after 50 ms
MEMORY_LIMIT_MIB = 150


def memory_row(memory: Memory) -> Row:
    peaks = memory.peaks
    roles = ("web", "worker", "scheduler")
    measured = ", ".join(
        f"{role} {peaks[role]:.0f} MiB" if role in peaks else f"{role}: not run" for role in roles
    )
    return Row(
        "9",
        "Peak RSS during rows 2-5 (VmHWM, largest process of each role)",
        measured,
        f"largest {max(peaks.values()):.0f} MiB",
        f"each ≤ {MEMORY_LIMIT_MIB} MiB",
        all(peaks.get(role, 0) <= MEMORY_LIMIT_MIB for role in roles),
        bound="Python + Django + the app imported once per process; a batch's messages at most",
    )


def run_row(number: str, step: Callable[[], Row]) -> Row:
    """One row; a row that crashes is reported as such and the others still run."""
    started = time.monotonic()
    try:
        row = step()
    except Exception as error:
        traceback.print_exc()
        row = Row(number, f"row {number}", "—", f"crashed: {error!r}"[:300], "—", False)
    print(f"row {number}: {time.monotonic() - started:.0f} s", file=sys.stderr)  # noqa: T201
    return row


def main(only: set[str]) -> None:
    def wanted(number: str) -> bool:
        return not only or number.rstrip("abcd") in only

    started = time.monotonic()
    slow_port, fast_port, distant_port = free_port(), free_port(), free_port()
    slow, _ = start_sink(slow_port, delay=SLOW_SMTP_DELAY)
    fast, fast_sink = start_sink(fast_port)
    distant, distant_sink = start_sink(distant_port, command_delay=DISTANT_COMMAND_DELAY)
    api = ProviderStandIn(delay=PROVIDER_DELAY)
    memory = Memory()
    rows: list[Row] = []
    steps = [
        ("1", lambda: web_rows.request_cost(workdir, fast_port)),
        ("2", lambda: delivery_rows.loopback(workdir, fast_sink, fast_port, memory)),
        (
            "3",
            lambda: delivery_rows.distant_smtp(
                workdir, distant_sink, distant_port, DISTANT_COMMAND_DELAY, memory
            ),
        ),
        ("4", lambda: delivery_rows.provider(workdir, api, memory)),
        ("5", lambda: delivery_rows.scale_out(workdir, api, memory)),
        ("6", lambda: web_rows.storm(workdir, fast_sink, fast_port)),
        ("7", lambda: web_rows.reset_timing(workdir, slow_port)),
        ("8a", lambda: web_rows.list_page(workdir)),
        ("8b", lambda: scale_rows.reminders(workdir)),
        ("8c", lambda: dashboard.dashboard_scaling(workdir)),
        ("8d", lambda: scale_rows.beatles_check(workdir)),
    ]
    with tempfile.TemporaryDirectory(prefix="birthday-bench-") as tmp:
        workdir = Path(tmp)
        try:
            for number, step in steps:
                if wanted(number):
                    rows.append(run_row(number, step))
        finally:
            slow.stop(), fast.stop(), distant.stop(), api.stop()
    if memory.peaks:
        rows.append(memory_row(memory))
    minutes = (time.monotonic() - started) / 60
    extras = [f"The whole run took {minutes:.1f} minutes."]
    if only:
        from .report import markdown

        print(markdown(rows, extras))  # noqa: T201
    else:
        print(write(rows, extras))  # noqa: T201


if __name__ == "__main__":
    main(set(sys.argv[1:]))
