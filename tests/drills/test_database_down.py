"""Drill: the database connection dies just as the alert is written (PostgreSQL).

The server ends the request's own connection (`pg_terminate_backend`, as a failover or an
operator would) at the moment the alert's INSERT goes out. The user still gets the Beatles
error, not a 500; the whole event is in the log for replay; the next request works again.
(The alerts tests cover a failing write on SQLite too: tests/alerts/test_recording.py.)
"""

import contextlib

import pytest
from django.db import connection, connections

from alerts.models import Alert
from tests.support.texts import BEATLES_ERROR

pytestmark = pytest.mark.slow

RINGO = {"first_name": "Ринго", "last_name": "Старр", "birthday": "1940-07-07"}


@contextlib.contextmanager
def connection_killed_at_the_alert_insert():
    """While active, the first INSERT into alerts_alert finds its connection terminated."""
    killed = []

    def kill_then_execute(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "alerts_alert"') and not killed:
            pid = context["connection"].connection.info.backend_pid
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            finally:
                other.close()
            killed.append(pid)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(kill_then_execute):
        yield killed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_connection_lost_while_recording(postgres_only, user, user_client, json_logs):
    with connection_killed_at_the_alert_insert() as killed:
        response = user_client.post("/birthday/create/", RINGO)

    assert killed, "the drill never reached the alert's INSERT"
    assert response.status_code == 400
    assert BEATLES_ERROR in response.text
    assert Alert.objects.count() == 0
    [failure] = [line for line in json_logs() if line["event"] == "alert_record_failed"]
    assert failure["level"] == "error"
    assert failure["payload"] == {
        "first_name": "Ринго",
        "last_name": "Старр",
        "user_id": user.pk,
        "username": user.username,
    }
    assert "OperationalError" in failure["exception"]

    # The connection is replaced: the next refusal is recorded as usual.
    assert user_client.post("/birthday/create/", RINGO).status_code == 400
    assert Alert.objects.count() == 1
