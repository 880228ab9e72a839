"""A real SMTP server on loopback that can be told to answer slowly, and counts what it accepts."""

import asyncio
import email
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Accepted:
    message_id: str
    subject: str
    at: float


@dataclass
class SlowSink:
    """aiosmtpd handler: sleeps `delay` seconds before accepting each message."""

    delay: float = 0.0
    messages: list[Accepted] = field(default_factory=list)
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append(
                Accepted(parsed.get("Message-ID", ""), parsed.get("Subject", ""), time.time())
            )
        return "250 OK"

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.connections = 0

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def wait_for(self, count: int, timeout: float) -> float | None:
        """Wall-clock time (comparable across processes) of the `count`-th message, or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return self.messages[count - 1].at
            time.sleep(0.02)
        return None


def start_sink(port: int, delay: float = 0.0) -> tuple[Controller, SlowSink]:
    sink = SlowSink(delay=delay)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, sink
