"""A real SMTP server on loopback that can answer slowly, and counts what it accepts.

Two kinds of slowness: `delay` before accepting each message (a slow server), and
`command_delay` before every reply, the greeting included (a server across a continent: each
command costs a round trip, so one connection per message pays for its handshake every time).
"""

import asyncio

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from .arrivals import Arrivals


class SlowSink(Arrivals):
    """aiosmtpd handler: sleeps `delay` seconds before accepting each message."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.record()
        return "250 OK"


class DistantSMTP(SMTP):
    """Waits `command_delay` before each reply (once, not per line of a multi-line reply)."""

    command_delay = 0.0

    async def push(self, status):
        last_line = status[3:4] in (" ", b" ")
        if self.command_delay and last_line:
            await asyncio.sleep(self.command_delay)
        await super().push(status)


class SinkController(Controller):
    def __init__(self, handler: SlowSink, *, command_delay: float, **kwargs) -> None:
        super().__init__(handler, **kwargs)
        self.command_delay = command_delay

    def factory(self) -> SMTP:
        server = DistantSMTP(self.handler, **self.SMTP_kwargs)
        server.command_delay = self.command_delay
        return server


def start_sink(
    port: int, delay: float = 0.0, command_delay: float = 0.0
) -> tuple[Controller, SlowSink]:
    sink = SlowSink(delay=delay)
    controller = SinkController(sink, command_delay=command_delay, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, sink
