"""Sending messages through the `alerts` mailer over several connections at once.

Delivery waits on the network, not on the CPU: an SMTP server answers each command after a
round trip, a provider's API each message after tens of milliseconds. So a batch is sent by up
to ALERTS_SEND_CONCURRENCY lanes, each a thread with one connection of the mailer, taking the
next message from a shared queue while the caller's thread is still rendering the rest. The
lanes only send: the caller renders and records every outcome, in its own thread and database
connection. (A mail backend that reads the database itself, like the failover breaker, gets a
connection per lane, closed when the lane ends.)
"""

import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connections


@dataclass
class Outcome:
    """What became of one message: the connection that sent it, or the error that stopped it,
    or `lost`: not sent, because `before_send` said it is no longer ours."""

    connection: BaseEmailBackend | None = None
    error: Exception | None = None
    lost: bool = False


def send_all(
    messages: Iterable[EmailMessage],
    *,
    lanes: int,
    before_send: Callable[[int], bool] = lambda index: True,
) -> list[Outcome]:
    """Send each message once over `lanes` connections; one outcome per message, in order.

    `messages` may be a generator: each message leaves as soon as it is built. A connection that
    cannot be opened leaves its share to the other lanes; when none opens, every message fails
    with that error. An error on one message fails that message only, as on one connection.
    `before_send(index)` runs in the lane just before a message goes (the claim's lease); an
    error it raises is that message's outcome. With one lane everything happens in the caller's
    thread.
    """
    waiting: queue.SimpleQueue[tuple[int, EmailMessage] | None] = queue.SimpleQueue()
    outcomes: dict[int, Outcome] = {}
    connection_errors: list[Exception] = []

    def lane() -> None:
        try:
            with mailers["alerts"] as connection:
                while (item := waiting.get()) is not None:
                    index, message = item
                    try:
                        if not before_send(index):
                            outcomes[index] = Outcome(lost=True)
                            continue
                        connection.send_messages([message])
                    except Exception as error:
                        outcomes[index] = Outcome(connection, error)
                    else:
                        outcomes[index] = Outcome(connection)
        except Exception as error:  # opening (or closing) the connection failed
            connection_errors.append(error)

    def threaded_lane() -> None:
        try:
            lane()
        finally:
            connections.close_all()  # this thread's own, if its backend opened any

    threads = [threading.Thread(target=threaded_lane) for _ in range(lanes)] if lanes > 1 else []
    for thread in threads:
        thread.start()
    count = 0
    try:
        for count, message in enumerate(messages, 1):
            waiting.put((count - 1, message))
    finally:  # the lanes end even if building a message raised
        for _ in range(max(lanes, 1)):
            waiting.put(None)
    if threads:
        for thread in threads:
            thread.join()
    else:
        lane()
    return [outcomes.get(index) or Outcome(error=connection_errors[-1]) for index in range(count)]
