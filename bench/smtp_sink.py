"""A real SMTP server on loopback that can be told to answer slowly, and counts what it accepts."""

import asyncio
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class SlowSink:
    """aiosmtpd handler: sleeps `delay` seconds before accepting each message."""

    delay: float = 0.0
    arrivals: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.arrivals.append(time.time())
        return "250 OK"

    def reset(self) -> None:
        with self.lock:
            self.arrivals.clear()

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)

    def wait_for(self, count: int, timeout: float) -> float | None:
        """Wall-clock time (comparable across processes) of the `count`-th message, or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.arrivals) >= count:
                    return self.arrivals[count - 1]
            time.sleep(0.02)
        return None


def start_sink(port: int, delay: float = 0.0) -> tuple[Controller, SlowSink]:
    sink = SlowSink(delay=delay)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, sink
