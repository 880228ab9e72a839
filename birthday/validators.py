"""Validation of a birthday: a date within a lifetime, a photo of a sane size, type, pixel
count and a single frame (all read from the header, before anything is decoded)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image

from .dates import years_before

MAX_AGE_YEARS = 120


def validate_birthday(value: dt.date) -> None:
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("A birthday cannot be in the future."), code="future")
    if value < years_before(today, MAX_AGE_YEARS):
        raise ValidationError(
            _("A birthday cannot be more than %(years)d years ago."),
            code="too_old",
            params={"years": MAX_AGE_YEARS},
        )


# Photos: the types every browser shows, checked by content (Pillow), not by the name alone.
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]


def _new_upload(value: FieldFile | File) -> File | None:
    """The file just uploaded, or None when the value is a photo stored earlier.

    A stored photo was checked when it came in; it may even be missing from the storage now,
    which must not make the whole birthday impossible to edit.
    """
    if isinstance(value, FieldFile) and getattr(value, "_committed", True):
        return None
    return value


def validate_image_size(value: FieldFile | File) -> None:
    upload = _new_upload(value)
    if upload is not None and upload.size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("The photo is too large: at most %(max_size)s, this one is %(size)s."),
            code="file_too_large",
            params={
                "max_size": filesizeformat(settings.MAX_UPLOAD_SIZE),
                "size": filesizeformat(upload.size),
            },
        )


def check_header(image: Image.Image) -> None:
    """Refuse what must not be decoded: too many pixels (a "bomb" of a few KB), animation."""
    if image.width * image.height > settings.BIRTHDAY_IMAGE_MAX_PIXELS:
        raise _too_many_pixels()
    if getattr(image, "is_animated", False):
        raise ValidationError(
            _("Animated images cannot be a photo: upload a still image."), code="animated_image"
        )


def _too_many_pixels() -> ValidationError:
    megapixels = settings.BIRTHDAY_IMAGE_MAX_PIXELS / 1_000_000
    return ValidationError(
        _("The photo has too many pixels: at most %(limit)s megapixels."),
        code="too_many_pixels",
        params={"limit": number_format(megapixels, decimal_pos=0 if megapixels >= 1 else 2)},
    )


def validate_image_format(value: FieldFile | File) -> None:
    """The type by content, not by name; then the header checks."""
    upload = _new_upload(value)
    if upload is None:
        return
    position = upload.tell()
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in IMAGE_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG, GIF or WebP image."), code="invalid_image_format"
                )
            check_header(image)
    except Image.DecompressionBombError:  # Pillow's own, far larger limit
        raise _too_many_pixels() from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("Upload a JPEG, PNG, GIF or WebP image."), code="invalid_image_format"
        ) from None
    finally:
        upload.seek(position)
