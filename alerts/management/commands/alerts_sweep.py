"""Operators' recovery: release expired claims, fan out the outbox and send every due delivery."""

from django.core.management.base import BaseCommand

from alerts.tasks import run_sweep


class Command(BaseCommand):
    help = (
        "Release deliveries claimed by a dead worker, fan out alerts still in the outbox and "
        "send every due delivery."
    )

    def handle(self, *args, **options) -> None:
        sent = run_sweep()
        self.stdout.write(f"Sent {sent} alert email(s).")
