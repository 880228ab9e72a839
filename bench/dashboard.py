"""The delivery dashboard with 100 and with 100,000 deliveries: same queries, ≤ 300 ms.

`dashboard_scaling(workdir)` is one row of `make bench` (bench/run.py calls it). Seeding runs
inside each site's own database: `python -m bench.dashboard seed COUNT` and `... queries`.
"""

import datetime as dt
import sys
from pathlib import Path

import django

TARGET_MS = 300
PAGE = "/admin/alerts/dashboard/"


def seed(count: str) -> None:
    """`count` deliveries over the last week (an event per 4), mostly sent; bench is staff."""
    import random

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from alerts.models import Alert, AlertRecipient, Delivery

    get_user_model().objects.filter(username="bench").update(is_staff=True, is_superuser=True)
    recipients = [
        AlertRecipient.objects.get_or_create(email=f"watch{n}@bench.example")[0] for n in range(4)
    ]
    now, rng, statuses = timezone.now(), random.Random(16), list(Delivery.Status)  # noqa: S311
    alerts = Alert.objects.bulk_create(
        [
            Alert(
                kind="beatles_name_rejected",
                occurred_at=now - dt.timedelta(seconds=rng.uniform(0, 7 * 86400)),
                payload={"first_name": "Ринго", "last_name": "Старр"},
            )
            for _ in range(int(count) // len(recipients))
        ],
        batch_size=2000,
    )
    deliveries = []
    for alert in alerts:
        for recipient in recipients:
            status = rng.choices(statuses, weights=[2, 1, 90, 3, 4] + [1] * (len(statuses) - 5))[0]
            sent = alert.occurred_at + dt.timedelta(seconds=rng.lognormvariate(0.5, 1))
            deliveries.append(
                Delivery(
                    alert=alert,
                    recipient=recipient,
                    kind=alert.kind,
                    window_start=alert.occurred_at,
                    status=status,
                    created_at=alert.occurred_at,
                    sent_at=sent if status == Delivery.Status.SENT else None,
                    message_id=f"<{alert.pk}.{recipient.pk}@bench.example>",
                )
            )
    Delivery.objects.bulk_create(deliveries, batch_size=2000)


def queries() -> None:
    """Queries one request for the dashboard runs, printed as a number."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    with CaptureQueriesContext(connection) as captured:
        status = client.get(PAGE).status_code
    if status != 200:
        raise SystemExit(f"dashboard answered {status}")
    print(len(captured.captured_queries))  # noqa: T201


def dashboard_scaling(workdir: Path, samples: int = 30):
    """The row: the page timed side by side on a site with 100 and one with 100,000 deliveries."""
    from .client import median_ms, p95_ms
    from .report import Row
    from .site import Site
    from .web_rows import interleave

    sites = [Site(workdir, "dash100"), Site(workdir, "dash100000")]
    for site, count in zip(sites, ("100", "100000"), strict=True):
        _in_site(site, "seed", count)
    counts = [int(_in_site(site, "queries")) for site in sites]
    try:
        for site in sites:
            site.start()
        clients = [site.session() for site in sites]
        times = interleave(samples, *(lambda c=c: c.timed_get(PAGE)[1] for c in clients))
    finally:
        for site in sites:
            site.stop()
    medians, p95 = [median_ms(t) for t in times], p95_ms(times[1])
    return Row(
        number="8c",
        name="Delivery dashboard, 100 vs 100,000 deliveries",
        measured=f"queries {counts[0]} vs {counts[1]}; median {medians[0]:.0f} ms vs "
        f"{medians[1]:.0f} ms, p95 {p95:.0f} ms",
        result=f"{medians[1]:.0f} ms with 100,000",
        target=f"same queries, ≤ {TARGET_MS} ms",
        met=counts[0] == counts[1] and medians[1] <= TARGET_MS,
        bound="aggregate queries on covering indexes, percentiles from a sampled histogram: "
        "the page's work must not grow with the table",
    )


def _in_site(site, *args: str) -> str:
    """Run a command of this module against one site's database, as `Site.seed` does."""
    from .site import run_in

    return run_in(site.env, "bench.dashboard", *args)


COMMANDS = {"seed": seed, "queries": queries}

if __name__ == "__main__":
    django.setup()
    command, *args = sys.argv[1:]
    COMMANDS[command](*args)
