"""Sending messages through the `alerts` mailer over several connections at once.

Delivery waits on the network, not on the CPU: an SMTP server answers each command after a
round trip, a provider's API each message after tens of milliseconds. So a send pass sends over
up to ALERTS_SEND_CONCURRENCY lanes, each a thread with one connection of the mailer, taking the
next message from a shared queue while the caller's thread is still rendering the rest. A lane
opens when a batch first needs it and stays open for the pass's later batches: a connection
(greeting, EHLO, STARTTLS, AUTH: several round trips) is paid once per pass, not once per batch.
The lanes only send: the caller renders and records every outcome, in its own thread and
database connection. (A mail backend that reads the database itself, like the failover breaker,
gets a connection per lane, closed when the lane ends.)
"""

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

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


@dataclass
class _Batch:
    before_send: Callable[[int], bool]
    outcomes: dict[int, Outcome] = field(default_factory=dict)


class Lanes:
    """Up to `size` connections of the `alerts` mailer for one pass; a context manager that
    closes them. With a size of 1 the one connection is used in the caller's thread.

    A message that fails closes its connection (it may be what broke: the server hung up,
    a limit of messages per connection); the next message opens a new one. Each batch tries to
    open at most `size` connections: with the server down, its messages fail fast.
    """

    def __init__(self, size: int) -> None:
        self.size = max(size, 1)
        self._waiting: queue.SimpleQueue[tuple[_Batch, int, EmailMessage] | None] = (
            queue.SimpleQueue()
        )
        self._threads: list[threading.Thread] = []
        self._finished = threading.Condition()  # a message's outcome, or a lane's end
        self._connection_errors: list[Exception] = []
        self._inline: BaseEmailBackend | None = None

    def __enter__(self) -> "Lanes":
        return self

    def __exit__(self, *exc_info) -> None:
        for _ in self._threads:
            self._waiting.put(None)
        for thread in list(self._threads):
            thread.join()
        _close(self._inline)

    def send_all(
        self,
        messages: Iterable[EmailMessage],
        *,
        before_send: Callable[[int], bool] = lambda index: True,
    ) -> list[Outcome]:
        """Send each message once; one outcome per message, in order.

        `messages` may be a generator: each message leaves as soon as it is built. A connection
        that cannot be opened leaves its share to the other lanes; when none opens, every
        message fails with that error. An error on one message fails that message only, as on
        one connection. `before_send(index)` runs in the lane just before a message goes (the
        claim's lease); an error it raises is that message's outcome.
        """
        batch = _Batch(before_send)
        self._connection_errors.clear()
        send = self._send_inline if self.size == 1 else self._send_in_lanes
        count = send(batch, messages)
        return [
            batch.outcomes.get(index) or Outcome(error=self._connection_errors[-1])
            for index in range(count)
        ]

    def _send_inline(self, batch: _Batch, messages: Iterable[EmailMessage]) -> int:
        count = 0
        for count, message in enumerate(messages, 1):
            if self._inline is None and not self._connection_errors:
                try:
                    self._inline = _open()
                except Exception as error:
                    self._connection_errors.append(error)  # the rest of the batch fails with it
            if self._inline is not None and not _send(self._inline, batch, count - 1, message):
                _close(self._inline)
                self._inline = None
        return count

    def _send_in_lanes(self, batch: _Batch, messages: Iterable[EmailMessage]) -> int:
        count = started = 0
        for count, message in enumerate(messages, 1):
            if len(self._threads) < min(count, self.size) and started < self.size:
                self._start_lane()
                started += 1
            self._waiting.put((batch, count - 1, message))
        with self._finished:
            while len(batch.outcomes) < count and self._threads:
                self._finished.wait()
        if len(batch.outcomes) < count:  # no lane could connect: nothing takes the rest
            while not self._waiting.empty():
                self._waiting.get()
        return count

    def _start_lane(self) -> None:
        thread = threading.Thread(target=self._lane, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _lane(self) -> None:
        connection = None
        try:
            while (item := self._waiting.get()) is not None:
                if connection is None:
                    try:
                        connection = _open()
                    except Exception as error:
                        self._waiting.put(item)  # for a lane that could connect
                        with self._finished:
                            self._connection_errors.append(error)
                            self._threads.remove(threading.current_thread())
                            self._finished.notify_all()
                        return
                if not _send(connection, *item):
                    _close(connection)
                    connection = None
                with self._finished:
                    self._finished.notify_all()
        finally:
            _close(connection)
            connections.close_all()  # this thread's own, if its backend opened any


def _open() -> BaseEmailBackend:
    connection = mailers["alerts"]
    connection.open()
    return connection


def _close(connection: BaseEmailBackend | None) -> None:
    if connection is not None:
        with contextlib.suppress(Exception):  # a broken connection has nothing left to close
            connection.close()


def _send(connection: BaseEmailBackend, batch: _Batch, index: int, message) -> bool:
    """Send one message of `batch` (unless its claim was lost); did it go?"""
    try:
        if not batch.before_send(index):
            batch.outcomes[index] = Outcome(lost=True)
            return True
        connection.send_messages([message])
    except Exception as error:
        batch.outcomes[index] = Outcome(connection, error)
        return False
    batch.outcomes[index] = Outcome(connection)
    return True
