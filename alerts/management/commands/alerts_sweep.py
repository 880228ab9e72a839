"""Operators' recovery: release expired claims and send every due delivery now."""

from django.core.management.base import BaseCommand

from alerts import delivery
from alerts.tasks import run_send


class Command(BaseCommand):
    help = "Release deliveries claimed by a dead worker and send every due delivery."

    def handle(self, *args, **options) -> None:
        released = delivery.release_expired_claims()
        sent = run_send(None)
        self.stdout.write(f"released {released}, sent {sent}")
