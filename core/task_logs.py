"""The log context of tasks: a worker's lines carry the request id of the request behind them.

django-structlog hands a task the context of whoever enqueued it through a cache (one write per
enqueue, one read per run). That is right for a task that does one request's work, like an
account email. A task whose rows already say which request each piece of work came from (an
alert send pass serves many requests at once, and each Alert keeps its request id) opts out with
`carries_own_context`: enqueueing it writes nothing to the cache, and it binds the request id of
each piece of work itself.
"""

from contextlib import AbstractContextManager, nullcontext
from typing import Any

import structlog
from django.tasks import Task
from django_structlog.tasks import signals
from django_structlog.tasks.receivers import DjangoTaskReceiver

logger = structlog.get_logger("django_structlog.tasks.receivers")

_OWN_CONTEXT: set[str] = set()


def carries_own_context(task: Task) -> Task:
    """Mark a task whose work binds its own request ids: no cache hand-over for it."""
    _OWN_CONTEXT.add(task.module_path)
    return task


def request_id() -> str:
    """The request id bound to this context (a request, or a task it enqueued); "" outside."""
    return structlog.contextvars.get_contextvars().get("request_id") or ""


def for_request(request_id: str) -> AbstractContextManager:
    """Bind a piece of work's request id to the lines logged inside (nothing when it has none)."""
    if not request_id:
        return nullcontext()
    return structlog.contextvars.bound_contextvars(request_id=request_id)


class TaskLogContext(DjangoTaskReceiver):
    """django-structlog's receiver, minus the cache for tasks that carry their own context."""

    def receiver_task_enqueued(self, sender: type, task_result: Any, **kwargs: Any) -> None:
        if task_result.task.module_path not in _OWN_CONTEXT:
            return super().receiver_task_enqueued(sender, task_result=task_result, **kwargs)
        logger.info("task_enqueued", task_id=task_result.id, task_name=task_result.task.module_path)

    def receiver_task_started(self, sender: type, task_result: Any, **kwargs: Any) -> None:
        if task_result.task.module_path not in _OWN_CONTEXT:
            return super().receiver_task_started(sender, task_result=task_result, **kwargs)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(task_id=task_result.id)
        signals.bind_extra_task_metadata.send(
            sender=self.receiver_task_started, task_result=task_result, logger=logger
        )
        logger.info("task_started", task=task_result.task.module_path)
