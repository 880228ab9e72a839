"""Concurrent workers as threads: each with its own database connection, released together."""

import threading

from django.db import connection


def side_by_side(work, count: int = 2) -> None:
    """Run `work` in `count` threads released together, as separate processes would run it.

    Each thread has its own database connection; an error in any of them fails the test.
    """
    start = threading.Barrier(count)
    errors = []

    def thread_body():
        try:
            start.wait()
            work()
        except Exception as error:  # surfaced below: a worker must not crash
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=thread_body) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
