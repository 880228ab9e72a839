"""The one place where logging is set up: structlog for our code, the same pipeline for the rest.

Every record, from structlog or from plain `logging` (Django, django-tasks-db, libraries), goes
through structlog's ProcessorFormatter: the same context (request id, user id, task id), the
same redaction, one renderer. `LOG_FORMAT=console` gives coloured lines for people,
`LOG_FORMAT=json` one JSON object per line for a log collector.
"""

from typing import Any, Literal

import structlog

from .redaction import redact_sensitive_data

LogFormat = Literal["console", "json"]

# What both structlog events and foreign records get before rendering.
SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_structlog() -> None:
    """Send structlog events into stdlib logging, where the formatter below renders them."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def renderer(log_format: LogFormat) -> Any:
    if log_format == "json":
        return structlog.processors.JSONRenderer()
    # Plain tracebacks: a fancy one could print local variables, and with them secrets.
    return structlog.dev.ConsoleRenderer(exception_formatter=structlog.dev.plain_traceback)


def build_logging(log_format: str, log_level: str) -> dict[str, Any]:
    """Configure structlog and return the LOGGING dict that routes every logger through it."""
    if log_format not in ("console", "json"):
        raise ValueError(f"LOG_FORMAT must be 'console' or 'json', not {log_format!r}")
    configure_structlog()
    level = log_level.upper()
    passthrough = {"handlers": [], "level": level, "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structlog": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": SHARED_PROCESSORS,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    redact_sensitive_data,
                    renderer(log_format),
                ],
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "structlog"},
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's own handlers are replaced: everything propagates to the one root handler.
        "loggers": {
            "django": passthrough,
            "django.server": passthrough,
            "django.request": passthrough,
            "django.tasks": passthrough,
            "django_tasks_db": passthrough,
            "django_structlog": passthrough,
            # gunicorn's own lines, when gunicorn.conf.py hands it this dict. Its access log
            # would repeat django-structlog's request_finished without the request id.
            "gunicorn.error": passthrough,
            "gunicorn.access": {**passthrough, "level": "WARNING"},
        },
    }
