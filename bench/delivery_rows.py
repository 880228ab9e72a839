"""Rows 2-5: how fast one worker, then several, deliver alerts to what they talk to.

Every rate runs from the commit that recorded the alerts (workers already up and polling, as in
production) to the moment the last message reached the server, so it includes the worker's
fan-out, claims, rendering and bookkeeping.
"""

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .arrivals import Arrivals
from .processes import PYTHON, ROOT
from .provider import ProviderStandIn
from .report import Row, skipped
from .site import Site, postgres_available

WORKER_WARM_UP = 3  # seconds for a new db_worker to import Django and start polling
SEQUENTIAL = {"ALERTS_SEND_CONCURRENCY": "1"}


def smtp_env(port: int) -> dict[str, str]:
    return {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}


@dataclass
class Memory:
    """Peak RSS per process role over the rows that use it."""

    peaks: dict[str, float] = field(default_factory=dict)

    def add(self, site: Site) -> None:
        for role, mib in site.peak_rss.items():
            self.peaks[role] = max(self.peaks.get(role, 0), mib)


def deliver(site: Site, arrivals: Arrivals, events: int, messages: int) -> float | None:
    """Record `events` alerts in one commit; messages per second until `messages` arrived."""
    arrivals.reset()
    committed = float(site.seed("alerts", str(events)))
    last = arrivals.wait_for(messages, timeout=300)
    return None if last is None else messages / (last - committed)


def with_workers(site: Site, count: int, **env: str) -> None:
    site.stop_workers()
    site.start_workers(count, **env)
    time.sleep(WORKER_WARM_UP)


def run_baseline(env: dict[str, str], mode: str, count: int, port: int, given: str = "") -> float:
    """Messages per second of a baseline sender (bench.baselines) in its own process."""
    result = subprocess.run(
        [PYTHON, "-m", "bench.baselines", mode, str(count), str(port)],
        cwd=ROOT,
        env=env,
        input=given,
        check=True,
        capture_output=True,
        text=True,
    )
    return count / float(result.stdout)


def loopback(
    workdir: Path, sink, port: int, memory: Memory, count: int = 1000, rounds: int = 2
) -> Row:
    """Row 2: the worker against raw smtplib on one connection, on loopback.

    CPU-bound on a shared machine, so the two sides take turns, `rounds` times each, and each
    keeps its best round.
    """
    site = Site(workdir, "loopback", ALERTS_THROTTLE="0", **smtp_env(port))
    ours, ceiling = [], []
    try:
        site.start(scheduler=True)
        with_workers(site, 1)
        email = site.seed("alert_email")
        for _ in range(rounds):
            ours.append(deliver(site, sink, count, count) or 0)
            sink.reset()
            ceiling.append(run_baseline(site.env, "smtplib", count, port, email))
    finally:
        site.stop()
        memory.add(site)
    share = max(ours) / max(ceiling)
    return Row(
        "2",
        f"SMTP on loopback: {count:,} alerts to one recipient (throttle off)",
        f"worker {max(ours):.0f} msg/s vs raw smtplib {max(ceiling):.0f} msg/s (one connection, "
        "the worker's own email (subject, text, HTML, headers) built again by the standard "
        f"library, no Django, no database; best of {rounds} turns each)",
        f"{share:.0%} of raw smtplib",
        "≥ 80%",
        min(ours) > 0 and share >= 0.8,
        bound="the CPU: on loopback a message costs no wait, so the ceiling is smtplib's own "
        "work to build and send it; the worker adds rendering and bookkeeping",
    )


def distant_smtp(
    workdir: Path, sink, port: int, delay: float, memory: Memory, count: int = 200
) -> Row:
    """Row 3: a server answering each command after `delay`: per message, batched, parallel."""
    site = Site(workdir, "distant", ALERTS_THROTTLE="0", **smtp_env(port))
    try:
        site.start(scheduler=True)
        with_workers(site, 1, **SEQUENTIAL)
        batched = deliver(site, sink, count, count)
        with_workers(site, 1)
        parallel = deliver(site, sink, count, count)
    finally:
        site.stop()
        memory.add(site)
    sink.reset()
    tutorial = run_baseline(site.env, "tutorial", count, port)
    rates = batched or 0, parallel or 0
    ms = delay * 1000
    return Row(
        "3",
        f"SMTP answering each command after {ms:.0f} ms: {count} alerts",
        f"one connection per message (Django send_mail, the tutorial) {tutorial:.1f} msg/s; "
        f"worker, one connection (ALERTS_SEND_CONCURRENCY=1) {rates[0]:.1f} msg/s; "
        f"worker, default settings (parallel connections) {rates[1]:.1f} msg/s",
        f"default worker = {rates[1] / tutorial:.1f} × the tutorial "
        f"(one connection: {rates[0] / tutorial:.1f} ×)",
        "default worker ≥ 3 × the tutorial",
        None not in (batched, parallel) and rates[1] >= 3 * tutorial,
        bound=f"round trips: a message over an open connection takes 4 ({ms * 4:.0f} ms: MAIL, "
        f"RCPT, DATA, the data), a new connection adds the greeting, EHLO and QUIT "
        f"({ms * 7:.0f} ms in all), so one connection tops out at {1000 / (ms * 4):.1f} msg/s "
        f"and the tutorial at {1000 / (ms * 7):.1f}; only parallel connections go further",
    )


def provider(workdir: Path, api: ProviderStandIn, memory: Memory, events: int = 100) -> Row:
    """Row 4: an HTTP provider answering each message after its delay, one default worker."""
    recipients, messages = 10, events * 10
    site = Site(workdir, "provider", ALERTS_THROTTLE="0", **api.env())
    site.seed("recipients", str(recipients - 1))
    try:
        site.start(scheduler=True)
        with_workers(site, 1)
        rate = deliver(site, api, events, messages)
    finally:
        site.stop()
        memory.add(site)
    ms = api.delay * 1000
    return Row(
        "4",
        f"HTTP provider (Anymail Postmark, stand-in answering in {ms:.0f} ms): "
        f"{messages:,} alerts ({events} events × {recipients} recipients)",
        f"one worker, default settings: {rate or 0:.0f} msg/s; duplicates {api.duplicates()}",
        f"{(rate or 0) / (1000 / ms):.1f} × a sequential sender's ceiling ({1000 / ms:.0f}/s)",
        "≥ 100 msg/s",
        rate is not None and rate >= 100 and api.duplicates() == 0,
        bound=f"the provider's answer time: {ms:.0f} ms per message caps a sequential sender at "
        f"{1000 / ms:.0f} msg/s; ALERTS_SEND_CONCURRENCY requests in flight at once multiply it",
    )


def scale_out(
    workdir: Path, api: ProviderStandIn, memory: Memory, events: int = 48, rounds: int = 2
) -> Row:
    """Row 5: PostgreSQL, the same stand-in, one sender per worker: 1 vs 4 worker processes.

    Eight processes on a shared machine: 1 and 4 workers take turns, `rounds` times each, and
    each keeps its best round (as row 2).
    """
    name = "Scale-out on PostgreSQL: 1 vs 4 workers, ALERTS_SEND_CONCURRENCY=1"
    target = "≥ 3.5 ×, no delivery twice"
    if not postgres_available():
        return skipped("5", name, target, "not run: PostgreSQL is not reachable")
    messages = events * 10
    # Batches of 10: 480 alerts are 48 batches, 12 for each of 4 workers (with 500, one worker
    # would send a 13th batch while the others wait: the row would time the split, not the workers).
    site = Site(
        workdir, "scale", postgres=True, ALERTS_THROTTLE="0", ALERTS_BATCH_SIZE="10", **api.env()
    )
    site.seed("recipients", "9")
    rates: dict[int, list[float | None]] = {1: [], 4: []}
    duplicates = 0
    try:
        site.start(scheduler=True)
        for _ in range(rounds):
            for workers, turns in rates.items():
                with_workers(site, workers, **SEQUENTIAL)
                turns.append(deliver(site, api, events, messages))
                time.sleep(0.5)  # a late duplicate would still arrive
                duplicates += api.duplicates()
    finally:
        site.stop()
        memory.add(site)
    one, four = (max(rate or 0 for rate in turns) for turns in rates.values())
    ratio = four / one if one else 0
    all_arrived = None not in rates[1] + rates[4]
    return Row(
        "5",
        f"{name} ({messages} alerts in batches of 10, stand-in answering in "
        f"{api.delay * 1000:.0f} ms)",
        f"1 worker {one:.1f} msg/s, 4 workers {four:.1f} msg/s (best of {rounds} turns each); "
        f"duplicates {duplicates}",
        f"{ratio:.2f} ×",
        target,
        all_arrived and ratio >= 3.5 and duplicates == 0,
        bound="the provider's answer time per worker (each sends one message at a time); "
        "4 workers can at most quadruple it, less the claims they contend for",
    )
