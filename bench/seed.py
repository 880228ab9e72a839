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


def _missing(what: str) -> None:
    print(json.dumps({"missing": what}))  # noqa: T201


def reminders_pass(users: str, birthdays: str) -> None:
    """Seed `birthdays` of `users` users, all due today; time one reminders pass, count queries."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command, get_commands
    from django.db import connection
    from django.utils import timezone

    from birthday.models import Birthday

    if "send_reminders" not in get_commands():
        return _missing("send_reminders (issue 15)")
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


def dashboard(deliveries: str, samples: str = "20") -> None:
    """Bring the deliveries to `deliveries`; the dashboard's median time and its queries."""
    import statistics

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from alerts import kinds
    from alerts.models import Alert, AlertRecipient, Delivery

    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    path = "/admin/alerts/dashboard/"
    if client.get(path).status_code == 404:
        return _missing("the dashboard (issue 16)")
    recipient = AlertRecipient.objects.first()
    statuses = list(Delivery.Status)
    now = time.time()
    existing = Delivery.objects.count()
    missing = int(deliveries) - existing
    for start in range(0, missing, 5000):
        size = min(5000, missing - start)
        at = [dt.datetime.fromtimestamp(now - (start + n) * 30, tz=dt.UTC) for n in range(size)]
        alerts = Alert.objects.bulk_create(
            Alert(kind=kinds.BEATLES_NAME_REJECTED.name, occurred_at=moment, payload={})
            for moment in at
        )
        Delivery.objects.bulk_create(
            Delivery(
                alert=alert,
                recipient=recipient,
                kind=alert.kind,
                status=statuses[n % len(statuses)],
                window_start=alert.occurred_at,
                next_attempt_at=alert.occurred_at,
                message_id=f"<bench{existing + start + n}@bench.example>",
            )
            for n, alert in enumerate(alerts)
        )
    times = []
    for _ in range(int(samples)):
        started = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    print(  # noqa: T201
        json.dumps(
            {
                "status": status,
                "median_ms": statistics.median(times) * 1000,
                "queries": len(queries.captured_queries),
            }
        )
    )


def variant_table() -> list[tuple[str, str]]:
    """The (first name, last name) tables of tests/birthday/test_beatles.py, read as data.

    Every spelling the rule must catch and every near miss it must let through; the bench does
    not import the test suite, so the tables are read from the module's source.
    """
    import ast
    from pathlib import Path

    source = Path(__file__).resolve().parent.parent / "tests" / "birthday" / "test_beatles.py"
    names = []
    for node in ast.walk(ast.parse(source.read_text())):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "parametrize"
            and len(node.args) == 2
            and ast.literal_eval(node.args[0]) == ("first_name", "last_name")
        ):
            names += [tuple(pair) for pair in ast.literal_eval(node.args[1])]
    return names


def beatles_check(rounds: str = "200") -> None:
    """Microseconds per name of the Beatles check over the variant table (issue 18's)."""
    from birthday import beatles

    variants = variant_table()
    if not variants:
        return _missing("the variant table (issue 18)")
    started = time.perf_counter()
    for _ in range(int(rounds)):
        for first_name, last_name in variants:
            beatles.is_beatle(first_name, last_name)
    seconds = time.perf_counter() - started
    checks = int(rounds) * len(variants)
    print(json.dumps({"us_per_name": seconds / checks * 1e6, "names": len(variants)}))  # noqa: T201


COMMANDS = {
    "users": users,
    "recipients": recipients,
    "birthdays": birthdays,
    "first_birthday": first_birthday,
    "list_queries": list_queries,
    "alerts": alerts,
    "alert_stats": alert_stats,
    "reminders_pass": reminders_pass,
    "dashboard": dashboard,
    "beatles_check": beatles_check,
}

if __name__ == "__main__":
    django.setup()
    command, *args = sys.argv[1:]
    COMMANDS[command](*args)
