"""Shared operational state every process reads and writes through the database.

Workers on other machines, the web processes and the metrics scrape see the same rows: the
database is the one thing they all share (a per-process cache would not be).
"""

from django.db import models


class WorkerHeartbeat(models.Model):
    """A task worker's last sign of life, written every few seconds while it runs."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return self.worker_id


class MailBackendState(models.Model):
    """One backend of a failover mailer: its run of failures and its circuit breaker."""

    mailer = models.CharField(max_length=64)
    backend = models.CharField(max_length=64)
    consecutive_failures = models.PositiveIntegerField(default=0)
    open_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailer", "backend"], name="core_one_state_per_backend")
        ]

    def __str__(self) -> str:
        return f"{self.mailer}:{self.backend}"


class MailFailover(models.Model):
    """How many messages a failover mailer moved from one backend to the next (a counter)."""

    mailer = models.CharField(max_length=64)
    from_backend = models.CharField(max_length=64)
    to_backend = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailer", "from_backend", "to_backend"], name="core_one_failover_counter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mailer}: {self.from_backend} → {self.to_backend}"
