"""`manage.py alerts_replay FILE...`: record again the events a JSON log holds as unrecorded."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alerts.replay import EVENT, replay


class Command(BaseCommand):
    help = (
        f"Record the {EVENT} events of JSON log files (LOG_FORMAT=json); "
        "a line already replayed is not recorded again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")

    def handle(self, *args, files: list[Path], **options) -> None:
        invalid = []
        for path in files:
            try:
                with path.open(encoding="utf-8", errors="replace") as log:
                    report = replay(log)
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}") from None
            self.stdout.write(
                f"{path}: {len(report.recorded)} event(s) recorded, "
                f"{report.already} already recorded before, {len(report.invalid)} not valid."
            )
            invalid += [f"{path} {problem}" for problem in report.invalid]
        if invalid:
            raise CommandError("Not replayed:\n" + "\n".join(invalid))
