"""Photos that keep no secrets and cannot bomb: every upload is decoded and re-encoded by Pillow.

The checks that need no decoding (type, pixel count, frames) run first, from the header
(birthday.validators); then `reencoded` decodes once, turns the photo upright (EXIF
orientation), converts its colours to sRGB, scales it down to what the pages show and writes a
new file with none of the original's metadata (EXIF: GPS, camera; ICC; text chunks) nor
anything appended after the image. JPEG stays JPEG, WebP stays WebP, PNG and GIF become PNG.
"""

import io
import secrets

import structlog
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

from .validators import check_header, validate_image_format

logger = structlog.get_logger(__name__)

# The detail page shows a photo at most 240 CSS pixels wide, the list at 64: twice that for
# high-density screens.
MAX_SIDE = 480
OUTPUT = {"JPEG": ("JPEG", "jpg"), "WEBP": ("WEBP", "webp"), "PNG": ("PNG", "png")}
SRGB = ImageCms.createProfile("sRGB")
UNREADABLE = _("This photo could not be read. Upload another JPEG, PNG, GIF or WebP image.")


class ReencodedPhoto(ContentFile):
    """A photo file this module wrote (so it is never re-encoded twice)."""


def _in_srgb(image: Image.Image) -> Image.Image:
    """Colours as the ICC profile meant them, in sRGB, so the profile can go."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: the pixels as they are


def _pixels(image: Image.Image, output: str) -> Image.Image:
    """The image in a mode the output format writes, without carrying any of its metadata."""
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    if output == "JPEG":
        if image.mode in ("RGBA", "LA"):
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A"))
            image = background
        elif image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def reencoded(upload) -> ReencodedPhoto:
    """The upload decoded and written anew; ValidationError when it cannot be decoded."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            check_header(image)
            output, extension = OUTPUT.get(image.format, OUTPUT["PNG"])
            image.draft(None, (MAX_SIDE, MAX_SIDE))  # JPEG: decode at the smallest scale enough
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            image = _pixels(_in_srgb(image), output)
            buffer = io.BytesIO()
            options = {"quality": 85} if output in ("JPEG", "WEBP") else {"optimize": True}
            image.save(buffer, output, **options)
    except ValidationError:
        raise
    # Decoders of untrusted files fail in many ways (OSError, SyntaxError, ValueError, ...):
    # every one is a photo we cannot show, and the person gets a clear message.
    except Exception as error:
        logger.info("photo_unreadable", error=type(error).__name__)
        raise ValidationError(UNREADABLE, code="unreadable_image") from None
    return ReencodedPhoto(buffer.getvalue(), name=f"{secrets.token_hex(8)}.{extension}")


class PhotoFormField(forms.ImageField):
    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError:
            # Django calls a bomb past Pillow's own limit "not an image"; say: too many pixels.
            if data is not None:
                try:
                    validate_image_format(data)
                except ValidationError as reason:
                    if reason.code == "too_many_pixels":
                        raise reason from None
            raise


class PhotoFieldFile(ImageFieldFile):
    def save(self, name, content, save=True) -> None:
        """Whatever stores a photo (a form, the admin, `image.save()`) stores it re-encoded."""
        if not isinstance(content, ReencodedPhoto):
            content = reencoded(content)
        super().save(content.name, content, save)


class PhotoField(models.ImageField):
    """An ImageField whose files are re-encoded before they are stored; a new upload already
    in validation, so a file that cannot be decoded is a form error, not a failed save."""

    attr_class = PhotoFieldFile

    def clean(self, value, model_instance):
        value = super().clean(value, model_instance)
        if value and not value._committed and not isinstance(value.file, ReencodedPhoto):
            photo = reencoded(value.file)
            value.file, value.name = photo, photo.name
        return value

    def formfield(self, **kwargs) -> forms.Field:
        return super().formfield(**{"form_class": PhotoFormField, **kwargs})
