"""Log capture: every logger through a chosen format into a buffer, and JSON lines read back."""

import io
import json
import logging.config
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from django.conf import settings

from settings.logging import build_logging


def json_lines(text: str) -> list[dict]:
    """Each line of a JSON log as a dict; a line that is not JSON (a traceback) as its `event`."""
    lines = []
    for line in text.splitlines():
        try:
            lines.append(json.loads(line))
        except json.JSONDecodeError:
            lines.append({"event": line})
    return lines


class RenderedLogs:
    """What the production (json) log format wrote: the lines as dicts, or the raw text."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def __call__(self) -> list[dict]:
        return [json.loads(line) for line in self.text().splitlines()]

    def text(self) -> str:
        return self.stream.getvalue()


@contextmanager
def logs_in(log_format: str, level: str = "DEBUG") -> Iterator[io.StringIO]:
    """Route every logger through `log_format` into a buffer; the test settings' come back after."""
    stream = io.StringIO()
    config = build_logging(log_format, level)
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    structlog.configure(cache_logger_on_first_use=False)  # as settings.test has it
    try:
        yield stream
    finally:
        logging.config.dictConfig(settings.LOGGING)
