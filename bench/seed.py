"""Work done inside a benchmark site's own database: seeding rows and counting queries.

Run as `python -m bench.seed COMMAND ...` with the site's environment, so it touches only that site.
"""

import datetime as dt
import json
import sys
import time

import django


def users() -> None:
    """The benchmark's logins: a user who posts forms, one with a known address, an admin."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for username in ("bench", "registered", "admin"):
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@bench.example"}
        )
        user.set_password("bench-password-123")
        user.is_staff = user.is_superuser = username == "admin"
        user.save()


def recipients(count: str) -> None:
    """More admin-managed recipients of Beatles alerts, beside the default one."""
    from alerts import kinds
    from alerts.models import AlertRecipient, Subscription

    added = AlertRecipient.objects.bulk_create(
        AlertRecipient(email=f"admin{n}@bench.example") for n in range(int(count))
    )
    Subscription.objects.bulk_create(
        Subscription(recipient=r, kind=kinds.BEATLES_NAME_REJECTED.name) for r in added
    )


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


def first_birthday() -> None:
    """The form fields of a birthday already on the list, as JSON."""
    from birthday.models import Birthday

    taken = Birthday.objects.order_by("pk").first()
    fields = {"first_name": taken.first_name, "last_name": taken.last_name}
    print(json.dumps({**fields, "birthday": taken.birthday.isoformat()}))  # noqa: T201


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


BEATLES_PAYLOAD = {"first_name": "Ринго", "last_name": "Старр", "user_id": None, "username": None}


def alerts(count: str) -> None:
    """Record `count` Beatles alerts in one transaction; print the moment their tasks are queued."""
    from django.db import transaction

    from alerts import kinds
    from alerts.recording import record_event

    with transaction.atomic():
        for _ in range(int(count)):
            record_event(kinds.BEATLES_NAME_REJECTED.name, BEATLES_PAYLOAD)
        transaction.on_commit(lambda: print(time.time()))  # noqa: T201  (after the enqueues)


def alert_email() -> None:
    """The email a worker sends for one of `alerts`' alerts, as JSON (nothing is written):
    what the raw smtplib baseline builds again with the standard library."""
    from django.utils import timezone

    from alerts import kinds
    from alerts.models import Alert, AlertRecipient, Delivery, new_message_id
    from alerts.rendering import build_message

    kind = kinds.BEATLES_NAME_REJECTED.name
    alert = Alert(pk=1, kind=kind, occurred_at=timezone.now(), payload=BEATLES_PAYLOAD)
    recipient = AlertRecipient.objects.subscribed_to(kind).order_by("pk").first()
    delivery = Delivery(
        pk=1, alert=alert, recipient=recipient, kind=kind, message_id=new_message_id()
    )
    email = build_message(delivery)
    headers = {k: v for k, v in email.extra_headers.items() if k != "Message-ID"}
    fields = {"subject": email.subject, "from": email.from_email, "to": email.to[0]}
    html = email.alternatives[0].content
    print(json.dumps({**fields, "headers": headers, "text": email.body, "html": html}))  # noqa: T201


def alert_stats() -> None:
    """How the recorded Beatles alerts were covered, as JSON: own email, digest, or waiting.

    Other kinds (a security alert about the bench's logins) are left out.
    """
    from alerts import kinds
    from alerts.models import Alert, Delivery

    Status = Delivery.Status
    kind = kinds.BEATLES_NAME_REJECTED.name
    of_kind = Delivery.objects.filter(kind=kind)
    deliveries = of_kind.filter(alert__isnull=False)
    stats = {
        "alerts": Alert.objects.filter(kind=kind).count(),
        "sent_alone": deliveries.filter(status=Status.SENT).count(),
        "in_sent_digest": deliveries.filter(
            status=Status.DIGESTED, digest__status=Status.SENT
        ).count(),
        "digests_sent": of_kind.filter(alert__isnull=True, status=Status.SENT).count(),
        "waiting": of_kind.filter(status__in=[Status.PENDING, Status.SENDING]).count(),
        # Throttle windows the deliveries fell into (one recipient): the bound on emails.
        "windows": of_kind.values("window_start").distinct().count(),
    }
    print(json.dumps(stats))  # noqa: T201


def reminders_pass(users: str, birthdays: str) -> None:
    """Seed `birthdays` of `users` users, all due today; time one reminders pass, count queries."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from birthday.models import Birthday

    User = get_user_model()
    password = make_password("bench-password-123")
    authors = User.objects.bulk_create(
        User(username=f"user{n}", email=f"user{n}@bench.example", password=password)
        for n in range(int(users))
    )
    today = timezone.localdate()
    per_user = int(birthdays) // int(users)  # years 4 apart: 29 February exists in each
    Birthday.objects.bulk_create(
        (
            Birthday(
                first_name=f"Имя{author.pk}-{n}",
                birthday=today.replace(year=1952 + 4 * n),
                author=author,
            )
            for author in authors
            for n in range(per_user)
        ),
        batch_size=2000,
    )
    queries = 0

    def count(execute, *args):  # every query, unlike queries_log (capped at 9,000)
        nonlocal queries
        queries += 1
        return execute(*args)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        call_command("send_reminders", "--now")
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "queries": queries}))  # noqa: T201


COMMANDS = {
    "users": users,
    "recipients": recipients,
    "birthdays": birthdays,
    "alert_email": alert_email,
    "first_birthday": first_birthday,
    "list_queries": list_queries,
    "alerts": alerts,
    "alert_stats": alert_stats,
    "reminders_pass": reminders_pass,
}

if __name__ == "__main__":
    django.setup()
    command, *args = sys.argv[1:]
    COMMANDS[command](*args)
