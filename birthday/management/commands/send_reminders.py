"""Run one reminder pass now, as the hourly scheduler would (also after an outage)."""

from django.core.management.base import BaseCommand

from birthday.reminders import run_pass


class Command(BaseCommand):
    help = (
        "Send the birthday reminders due now, as the hourly scheduler does. Each reminder goes "
        "once, however often this runs."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="Also send today's reminders whose hour (in each user's time zone) has not "
            "come yet.",
        )

    def handle(self, *args, **options) -> None:
        result = run_pass(scheduled=False, ignore_hour=options["now"])
        self.stdout.write(f"Reminders due: {result.reminders}; accounts: {result.users}.")
