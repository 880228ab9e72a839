"""A task for the logging tests: it only logs."""

import structlog
from django.tasks import task

logger = structlog.get_logger(__name__)


@task
def log_a_line() -> None:
    logger.info("test_task_ran")
