"""`manage.py alerts_replay FILE`: events that failed to record are recorded from the JSON log,
each line once however often it is replayed."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from alerts import kinds
from alerts.models import Alert, Delivery

BEATLES = kinds.BEATLES_NAME_REJECTED.name
RINGO = {"first_name": "Ринго", "last_name": "Старр", "birthday": "1940-07-07"}
pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_line(user_client, json_logs) -> dict:
    """A real `alert_record_failed` line: the alerts table is gone while Ringo is refused."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE alerts_alert RENAME TO alerts_alert_gone")
    assert user_client.post("/birthday/create/", RINGO).status_code == 400
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE alerts_alert_gone RENAME TO alerts_alert")
    assert Alert.objects.count() == 0
    [line] = [line for line in json_logs() if line["event"] == "alert_record_failed"]
    return line


def write_log(path, *lines) -> str:
    path.write_text(
        "".join((json.dumps(line) if isinstance(line, dict) else line) + "\n" for line in lines)
    )
    return str(path)


def replay(*files, **kwargs) -> str:
    from io import StringIO

    out = StringIO()
    call_command("alerts_replay", *files, stdout=out, **kwargs)
    return out.getvalue()


def test_a_failed_event_is_recorded_as_it_happened(
    failed_line, user, tmp_path, django_capture_on_commit_callbacks
):
    log = write_log(tmp_path / "site.log", failed_line)

    with django_capture_on_commit_callbacks(execute=True):
        output = replay(log)

    assert "1 event(s) recorded" in output
    alert = Alert.objects.get()
    assert alert.kind == BEATLES
    assert alert.payload == {
        "first_name": "Ринго",
        "last_name": "Старр",
        "user_id": user.pk,
        "username": user.username,
    }
    logged_at = dt.datetime.fromisoformat(failed_line["timestamp"])
    assert alert.occurred_at == logged_at
    # It goes the whole way: recorded for its subscribers and sent.
    assert alert.deliveries.get().status == Delivery.Status.SENT
    [message] = mail.outbox
    assert "Ринго Старр" in message.body


def test_the_same_line_twice_records_once(failed_line, tmp_path):
    log = write_log(tmp_path / "site.log", failed_line, failed_line)
    assert "1 event(s) recorded, 1 already recorded before" in replay(log)
    assert "0 event(s) recorded, 2 already recorded before" in replay(log)
    assert Alert.objects.count() == 1


def test_other_lines_are_ignored_and_bad_ones_reported(failed_line, tmp_path):
    unknown = {**failed_line, "kind": "no_such_kind", "timestamp": "2026-03-01T12:00:00Z"}
    log = write_log(
        tmp_path / "site.log",
        "a console line, not JSON",
        {"event": "alert_recorded", "alert_id": 3},
        unknown,
        failed_line,
    )
    with pytest.raises(CommandError, match="line 3: unknown kind 'no_such_kind'"):
        replay(log)
    assert Alert.objects.count() == 1  # the good line still went in


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        replay(str(tmp_path / "nope.log"))
