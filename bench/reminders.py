"""The reminder pass at scale: 100,000 birthdays of 10,000 accounts, every one due today.

`reminder_pass(workdir)` seeds a site of its own and runs one full pass in a separate process,
as a worker runs it (`birthday.reminders.run_pass`: the due computation, the signal, one
recorded alert per account with its idempotency keys). It reports the time, the peak memory of
that process and the queries of the due computation, which come in batches of accounts; they
are counted for a tenth of the accounts too, to show that they do not grow per account.

Run as `python -m bench.reminders seed USERS PER_USER` or `... pass` with the site's environment.
"""

import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import django

from .processes import PYTHON, ROOT, base_env, manage
from .report import Row

USERS, PER_USER = 10_000, 10
TARGET_SECONDS, TARGET_MIB = 60, 150
UNUSABLE = "!"  # no login: a password that matches nothing


def seed(users: str, per_user: str) -> None:
    """Accounts with reminders on (the defaults), each with birthdays that are all today."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from birthday.models import Birthday

    User = get_user_model()
    today = timezone.localdate()
    years = [y for y in range(1940, 2020) if (today.month, today.day) != (2, 29) or y % 4 == 0]
    User.objects.bulk_create(
        (
            User(username=f"friend{n}", email=f"friend{n}@bench.example", password=UNUSABLE)
            for n in range(int(users))
        ),
        batch_size=2000,
    )
    authors = User.objects.filter(username__startswith="friend").values_list("pk", flat=True)
    Birthday.objects.bulk_create(
        (
            Birthday(
                first_name=f"Имя{author}",
                last_name=f"Фамилия{k}",
                birthday=dt.date(years[k % len(years)], today.month, today.day),
                author_id=author,
            )
            for author in authors.iterator()
            for k in range(int(per_user))
        ),
        batch_size=2000,
    )


def pass_() -> None:
    """One full pass (as with `send_reminders --now`), printed as JSON."""
    from django.db import connection
    from django.utils import timezone

    from alerts.models import Alert
    from birthday.reminders import due_reminders, run_pass

    due_queries = _count_queries(
        connection, lambda: sum(1 for _ in due_reminders(timezone.now(), ignore_hour=True))
    )
    started = time.perf_counter()
    result = run_pass(scheduled=False, ignore_hour=True)
    seconds = time.perf_counter() - started
    print(  # noqa: T201
        json.dumps(
            {
                "seconds": seconds,
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "users": result.users,
                "reminders": result.reminders,
                "alerts": Alert.objects.count(),
                "due_queries": due_queries,
            }
        )
    )


def _count_queries(connection, work) -> int:
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        work()
    return count


def _site(workdir: Path, name: str, users: int) -> dict[str, str]:
    env = base_env(f"sqlite:///{workdir / name}.sqlite3")
    manage(env, "migrate", "--noinput")
    _run(env, "seed", str(users), str(PER_USER))
    return env


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "-m", "bench.reminders", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def reminder_pass(workdir: Path) -> Row:
    small = json.loads(_run(_site(workdir, "reminders1000", USERS // 10), "pass"))
    full = json.loads(_run(_site(workdir, "reminders10000", USERS), "pass"))
    met = (
        full["seconds"] <= TARGET_SECONDS
        and full["peak_mib"] <= TARGET_MIB
        and full["alerts"] == USERS
        and full["reminders"] == USERS * PER_USER
    )
    return Row(
        f"Reminder pass: {USERS * PER_USER:,} birthdays of {USERS:,} accounts, all due today",
        f"{full['seconds']:.1f} s, peak {full['peak_mib']:.0f} MiB; {full['alerts']:,} emails "
        f"recorded for {full['reminders']:,} reminders; due computation "
        f"{full['due_queries']} queries for {USERS:,} accounts vs {small['due_queries']} for "
        f"{USERS // 10:,} (batches of 1,000)",
        f"{full['seconds']:.1f} s, {full['peak_mib']:.0f} MiB",
        f"≤ {TARGET_SECONDS} s, ≤ {TARGET_MIB} MiB, queries in batches, one email per account",
        met,
    )


COMMANDS = {"seed": seed, "pass": pass_}

if __name__ == "__main__":
    django.setup()
    command, *args = sys.argv[1:]
    COMMANDS[command](*args)
