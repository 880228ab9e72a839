"""Work done inside a benchmark site's own database: seeding rows and counting queries.

Run as `python -m bench.seed COMMAND ...` with the site's environment, so it touches only that site.
"""

import datetime as dt
import json
import sys
import time

import django


def users() -> None:
    """The benchmark's logins: a user who posts forms, and one with a known email address."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for username in ("bench", "registered"):
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@bench.example"}
        )
        user.set_password("bench-password-123")
        user.save()


def birthdays(count: str) -> None:
    from django.contrib.auth import get_user_model

    from birthday.models import Birthday, Tag

    author = get_user_model().objects.get(username="bench")
    tags = [Tag.objects.get_or_create(tag=f"tag{n}")[0] for n in range(3)]
    people = [
        Birthday(
            first_name=f"Имя{n}",
            last_name="Фамилия",
            birthday=dt.date(1950, 1, 1) + dt.timedelta(days=n % 20000),
            author=author,
        )
        for n in range(int(count))
    ]
    Birthday.objects.bulk_create(people, batch_size=1000)
    through = Birthday.tags.through
    through.objects.bulk_create(
        [through(birthday_id=b.pk, tag_id=tags[b.pk % 3].pk) for b in Birthday.objects.all()],
        batch_size=1000,
    )


def list_queries() -> None:
    """Queries that one request for the list page runs, printed as a number."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    with CaptureQueriesContext(connection) as queries:
        status = client.get("/birthday/").status_code
    if status != 200:
        raise SystemExit(f"list page answered {status}")
    print(len(queries.captured_queries))  # noqa: T201


def alerts(count: str) -> None:
    """Record `count` Beatles alerts in one transaction; print the moment their tasks are queued."""
    from django.db import transaction

    from alerts import kinds
    from alerts.recording import record_event

    payload = {"first_name": "Ринго", "last_name": "Старр", "user_id": None, "username": None}
    with transaction.atomic():
        for _ in range(int(count)):
            record_event(kinds.BEATLES_NAME_REJECTED.name, payload)
        transaction.on_commit(lambda: print(time.time()))  # noqa: T201  (after the enqueues)


def alert_stats() -> None:
    """How the recorded alerts were covered, as JSON: own email, digest, or still waiting."""
    from alerts.models import Alert, Delivery

    Status = Delivery.Status
    deliveries = Delivery.objects.filter(alert__isnull=False)
    stats = {
        "alerts": Alert.objects.count(),
        "sent_alone": deliveries.filter(status=Status.SENT).count(),
        "in_sent_digest": deliveries.filter(
            status=Status.DIGESTED, digest__status=Status.SENT
        ).count(),
        "digests_sent": Delivery.objects.filter(alert__isnull=True, status=Status.SENT).count(),
        "waiting": Delivery.objects.filter(status__in=[Status.PENDING, Status.SENDING]).count(),
        # Throttle windows the deliveries fell into (one recipient): the bound on emails.
        "windows": Delivery.objects.values("window_start").distinct().count(),
    }
    print(json.dumps(stats))  # noqa: T201


COMMANDS = {
    "users": users,
    "birthdays": birthdays,
    "list_queries": list_queries,
    "alerts": alerts,
    "alert_stats": alert_stats,
}

if __name__ == "__main__":
    django.setup()
    command, *args = sys.argv[1:]
    COMMANDS[command](*args)
