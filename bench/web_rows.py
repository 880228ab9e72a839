"""Rows measured through the site's HTTP port: request cost, storm, reset timing, list page.

Two sides of a timing are interleaved request by request, so that a noisy machine slows both.
"""

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .client import median_ms, p95_ms
from .delivery_rows import smtp_env
from .report import Row
from .site import Site

BEATLE = {"first_name": "Ринго", "last_name": "Старр", "birthday": "1940-07-07"}
# Every Beatles post is signalled and recorded: no 429 past issue 18's hourly rejection limit.
NO_REJECTION_LIMIT = {"BIRTHDAY_REJECTION_LIMIT": "100000000"}
CREATE = "/birthday/create/"


def interleave(samples: int, *requests: Callable[[], float]) -> list[list[float]]:
    """Call each request in turn `samples` times; the durations per request."""
    durations: list[list[float]] = [[] for _ in requests]
    for _ in range(samples):
        for index, request in enumerate(requests):
            durations[index].append(request())
    return durations


def request_cost(workdir: Path, port: int, samples: int = 200) -> Row:
    """Row 1: a Beatles rejection (alert queued) vs the same page rejected for another reason.

    The other reason is a person already on the list (the unique constraint): like the Beatles
    name it passes every field and runs the same model validation, then renders the form again
    with its error. (A missing field would skip that validation, and be cheaper.) The rejection
    limit counts in process memory here, so that the row weighs the alert, not the limiter's
    database cache (issue 18's, paid by Beatles posts only).
    """
    in_memory = {"LIMITS_CACHE_URL": "locmemcache://"}
    site = Site(workdir, "request", **in_memory, **NO_REJECTION_LIMIT, **smtp_env(port))
    site.seed("birthdays", "1")
    taken = json.loads(site.seed("first_birthday"))
    try:
        site.start(workers=1, interval=1)  # the worker as the Procfile runs it (default interval)
        client = site.session()
        beatles, other = interleave(
            samples,
            lambda: client.timed_post(CREATE, BEATLE)[1],
            lambda: client.timed_post(CREATE, taken)[1],
        )
        recorded = json.loads(site.seed("alert_stats"))["alerts"]
    finally:
        site.stop()
    ratio = median_ms(beatles) / median_ms(other)
    return Row(
        "1",
        "The alert's cost on the request: Beatles rejection (alert queued) vs the same form "
        f"page rejected for another reason (a person already on the list, no alert), {samples} "
        "interleaved samples; the rejection limit counted in memory",
        f"median / p95: {median_ms(beatles):.1f} / {p95_ms(beatles):.1f} ms vs "
        f"{median_ms(other):.1f} / {p95_ms(other):.1f} ms; alerts committed before the "
        f"response: {recorded}/{samples}",
        f"{ratio:.2f} × (median)",
        "≤ 1.2 ×, every alert committed",
        ratio <= 1.2 and recorded == samples,
        bound="the floor runs the same validation and renders the same form page with an "
        "error; the difference is what recording the event (one INSERT) and queueing its send "
        "(a look at the task table, an INSERT when no pass is waiting) cost before the response",
    )


def storm(workdir: Path, sink, port: int, count: int = 1000, clients: int = 8) -> Row:
    """Row 6: a burst of Beatles submissions: throttled into digests, every event covered."""
    throttle, window = 5, 20
    site = Site(
        workdir,
        "storm",
        ALERTS_THROTTLE=str(throttle),
        ALERTS_THROTTLE_WINDOW=str(window),
        **NO_REJECTION_LIMIT,
        **smtp_env(port),
    )
    statuses: list[int] = []

    def client(posts: int) -> None:
        session = site.session()
        for _ in range(posts):
            statuses.append(session.post(CREATE, BEATLE)[0])

    try:
        site.start(workers=2)
        sink.reset()
        posts = count // clients
        threads = [threading.Thread(target=client, args=(posts,)) for _ in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        per_second = count / (time.perf_counter() - started)
        deadline = time.time() + window + 60
        while (stats := json.loads(site.seed("alert_stats")))["waiting"] and time.time() < deadline:
            time.sleep(1)
        time.sleep(1)  # the last accepted message is counted by the sink
    finally:
        site.stop()
    windows = stats["windows"]
    bound = windows * (throttle + 1)
    covered = stats["sent_alone"] + stats["in_sent_digest"]
    emails = stats["sent_alone"] + stats["digests_sent"]
    errors = sum(status != 400 for status in statuses)
    return Row(
        "6",
        f"Storm: {count:,} Beatles posts from {clients} clients "
        f"(throttle {throttle} per {window} s)",
        f"{per_second:.0f} rejections/s; HTTP errors {errors}; recorded {stats['alerts']}; "
        f"emails {emails} ({stats['sent_alone']} alone + {stats['digests_sent']} digests; the "
        f"server got {sink.count} in all)",
        f"covered {covered}/{stats['alerts']} ({stats['in_sent_digest']} in digests)",
        f"no error, 100% recorded and covered, emails ≤ {bound} ({windows} windows)",
        errors == 0
        and stats["alerts"] == count
        and covered == count
        and emails <= bound
        and sink.count >= emails,  # every one of them reached the server
        bound="the throttle: at most ALERTS_THROTTLE emails per window and recipient, plus one "
        "digest; the rejection rate is bound by the web processes' CPU",
    )


def reset_timing(workdir: Path, port: int, samples: int = 400, runs: int = 2) -> Row:
    """Row 7: password reset for a registered and an unknown address: medians must not differ."""
    no_limits = {f"PASSWORD_RESET_LIMIT_PER_{per}": "100000" for per in ("EMAIL", "IP")}
    site = Site(workdir, "reset", **no_limits, **smtp_env(port))
    path = "/auth/password_reset/"
    medians = []
    try:
        site.start(workers=1)
        known, unknown = site.session(login=None), site.session(login=None)
        for _ in range(runs):
            # Each side asks for one address again and again, as a prober compares them: both
            # per-address counters exist after the first request. (A new address every time
            # would time the counter's INSERT against the known one's UPDATE: the prober's
            # own pattern, not whether the address is registered.)
            times = interleave(
                samples // 2,
                lambda: known.timed_post(path, {"email": "registered@bench.example"})[1],
                lambda: unknown.timed_post(path, {"email": "nobody@bench.example"})[1],
            )
            medians.append((median_ms(times[0]), median_ms(times[1])))
    finally:
        site.stop()
    differences = [abs(k - u) / u for k, u in medians]
    return Row(
        "7",
        f"Password reset, registered vs unknown address ({samples} interleaved requests, "
        f"{runs} runs)",
        "; ".join(f"run {n}: median {k:.2f} vs {u:.2f} ms" for n, (k, u) in enumerate(medians, 1)),
        "differences " + ", ".join(f"{d:.1%}" for d in differences),
        "< 5% in each run",
        all(d < 0.05 for d in differences),
        bound="the request's own noise: the reset email is queued for a worker in both cases "
        "(the mail server answers in 500 ms, so an email sent inline would show)",
    )


def list_page(workdir: Path, samples: int = 60) -> Row:
    """Row 8a: the birthday list costs the same queries and time for 10 or 10,000 birthdays."""
    small, large = Site(workdir, "list10"), Site(workdir, "list10000")
    small.seed("birthdays", "10")
    large.seed("birthdays", "10000")
    queries = (int(small.seed("list_queries")), int(large.seed("list_queries")))
    try:
        small.start(), large.start()
        clients = small.session(login=None), large.session(login=None)
        times = interleave(samples, *(lambda c=c: c.timed_get("/birthday/")[1] for c in clients))
    finally:
        small.stop(), large.stop()
    medians = [median_ms(t) for t in times]
    ratio = medians[1] / medians[0]
    return Row(
        "8a",
        "List page, 10 vs 10,000 birthdays",
        f"queries {queries[0]} vs {queries[1]}; median {medians[0]:.1f} ms vs {medians[1]:.1f} ms",
        f"time ratio {ratio:.2f}",
        "same queries, ratio ≤ 1.5",
        queries[0] == queries[1] and ratio <= 1.5,
        bound="one page of the list: its cost must not grow with the table",
    )
