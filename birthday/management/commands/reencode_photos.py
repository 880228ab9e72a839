"""Re-encode the photos stored before uploads were (birthday.photos): once, after upgrading.

Each photo is written anew without metadata, and the old file is deleted. A photo that cannot
be read or is over the limits is left as it is and named, so the operator can look at it.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from birthday.models import Birthday
from birthday.photos import reencoded


class Command(BaseCommand):
    help = "Re-encode every stored photo (no EXIF, ICC or trailing bytes; at most 480 px)."

    def handle(self, *args, **options) -> None:
        done = 0
        for birthday in Birthday.objects.exclude(image="").only("pk", "image").iterator():
            old = birthday.image.name
            try:
                with birthday.image.open("rb") as stored:
                    photo = reencoded(stored)
            except (OSError, ValidationError) as error:
                self.stderr.write(f"birthday {birthday.pk}: {old} left as it is ({error})")
                continue
            birthday.image.save(photo.name, photo)
            birthday.image.storage.delete(old)
            done += 1
        self.stdout.write(f"{done} photos re-encoded.")
