"""Photos keep no secrets and cannot bomb: re-encoded on every path, refused before decoding
when too large in pixels or animated, served only as images (the bytes a browser gets)."""

import io
import os
import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image, ImageCms, ImageFile

from birthday.models import Birthday
from tests.factories import BirthdayFactory, UserFactory

DATA = {"first_name": "Иван", "last_name": "Петров", "birthday": "1990-05-17"}
GPS = 0x8825  # the EXIF GPS IFD
TRAILER = b"<script>alert('appended')</script>" + b"PK\x03\x04 a zip after the image"


def photo(image_format="JPEG", size=(64, 48), mode="RGB", **save) -> bytes:
    image = Image.frombytes(mode, size, os.urandom(size[0] * size[1] * len(mode)))
    buffer = io.BytesIO()
    image.save(buffer, image_format, **save)
    return buffer.getvalue()


def exif_with_gps(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x0110] = "Secret Camera 3000"  # Model
    exif[0x0112] = orientation
    exif.get_ifd(GPS).update({1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)})
    return exif.tobytes()


def icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def upload(client, content: bytes, name: str, url=None, **data):
    url = url or reverse("birthday:create")
    file = SimpleUploadedFile(name, content)
    return client.post(url, {**DATA, **data, "image": file})


def served(client, birthday: Birthday):
    response = client.get(birthday.image.url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    response.close()
    return response, content


def assert_clean(content: bytes) -> None:
    for secret in (b"Secret Camera", b"Exif", b"ICC_PROFILE", b"appended", b"PK\x03\x04", b"iCCP"):
        assert secret not in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "image_format", "save", "served_type"),
    [
        ("a.jpg", "JPEG", {"exif": exif_with_gps(), "icc_profile": icc()}, "image/jpeg"),
        ("a.png", "PNG", {"exif": exif_with_gps(), "icc_profile": icc()}, "image/png"),
        ("a.webp", "WEBP", {"exif": exif_with_gps(), "icc_profile": icc()}, "image/webp"),
        ("a.gif", "GIF", {"comment": b"Secret Camera"}, "image/png"),
    ],
)
def test_every_upload_is_reencoded_without_metadata_or_trailing_bytes(
    user_client, name, image_format, save, served_type
):
    original = photo(image_format, **save) + TRAILER
    assert b"Secret Camera" in original
    assert upload(user_client, original, name).status_code == 302
    response, content = served(user_client, Birthday.objects.get())
    assert response["Content-Type"] == served_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert_clean(content)
    with Image.open(io.BytesIO(content)) as image:
        assert image.size == (64, 48)
        assert not image.info.get("exif") and not image.info.get("icc_profile")
        end = {"image/jpeg": b"\xff\xd9", "image/png": b"IEND\xaeB`\x82"}.get(served_type)
    if end:
        assert content.endswith(end)  # nothing after the image


@pytest.mark.django_db
def test_the_admin_upload_is_reencoded_too(admin_client):
    original = photo("JPEG", exif=exif_with_gps()) + TRAILER
    response = upload(
        admin_client,
        original,
        "a.jpg",
        url=reverse("admin:birthday_birthday_add"),
        author=UserFactory().pk,
    )
    assert response.status_code == 302
    _, content = served(admin_client, Birthday.objects.get())
    assert_clean(content)


@pytest.mark.django_db
def test_large_photos_are_scaled_down_to_what_pages_show(user_client):
    assert upload(user_client, photo("JPEG", size=(3000, 2000)), "big.jpg").status_code == 302
    _, content = served(user_client, Birthday.objects.get())
    with Image.open(io.BytesIO(content)) as image:
        assert image.size == (480, 320)


@pytest.mark.django_db
def test_the_camera_orientation_is_applied_before_exif_goes(user_client):
    sideways = photo("JPEG", size=(64, 48), exif=exif_with_gps(orientation=6))  # rotate 90°
    assert upload(user_client, sideways, "a.jpg").status_code == 302
    _, content = served(user_client, Birthday.objects.get())
    with Image.open(io.BytesIO(content)) as image:
        assert image.size == (48, 64)


@pytest.mark.django_db
def test_a_pixel_bomb_is_refused_before_decoding(user_client, monkeypatch):
    # 12000 x 12000 of one colour: a few KB on the wire, 144 megapixels once decoded.
    buffer = io.BytesIO()
    Image.new("1", (12000, 12000), 1).save(buffer, "PNG")
    assert len(buffer.getvalue()) < 600 * 1024
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))
    with pytest.warns(Image.DecompressionBombWarning):  # Pillow's own, at 89 megapixels
        response = upload(user_client, buffer.getvalue(), "bomb.png")
    assert response.status_code == 400
    assert "слишком много пикселей: не больше 25 мегапикселей" in response.text
    assert not Birthday.objects.exists()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims its size and holds nothing: what a bomb looks like to Pillow's open()."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"\x00\x00\x00\x00IEND\xaeB`\x82"


@pytest.mark.django_db
def test_a_bomb_past_pillows_own_limit_gets_the_same_clear_message(user_client):
    response = upload(user_client, png_header_only(40000, 40000), "bomb.png")
    assert response.status_code == 400
    assert "слишком много пикселей" in response.text


@pytest.mark.django_db
def test_the_pixel_limit_is_a_setting(user_client, settings):
    settings.BIRTHDAY_IMAGE_MAX_PIXELS = 64 * 48 - 1
    assert upload(user_client, photo("PNG"), "a.png").status_code == 400
    settings.BIRTHDAY_IMAGE_MAX_PIXELS = 64 * 48
    assert upload(user_client, photo("PNG"), "a.png").status_code == 302


def animated(image_format: str) -> bytes:
    frames = [Image.new("RGB", (16, 16), colour) for colour in ("red", "blue", "green")]
    buffer = io.BytesIO()
    frames[0].save(buffer, image_format, save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "image_format"), [("a.gif", "GIF"), ("a.png", "PNG"), ("a.webp", "WEBP")]
)
def test_animated_images_are_refused(user_client, name, image_format):
    response = upload(user_client, animated(image_format), name)
    assert response.status_code == 400
    assert "Анимированное изображение не может быть фото" in response.text


@pytest.mark.django_db
def test_a_photo_that_cannot_be_decoded_is_a_clear_400(user_client):
    truncated = photo("JPEG", size=(300, 300))[:2000]
    response = upload(user_client, truncated, "cut.jpg")
    assert response.status_code == 400
    assert "Не удалось прочитать это фото" in response.text


@pytest.mark.django_db
def test_media_serves_images_only(client, settings):
    folder = settings.MEDIA_ROOT / "birthdays_images"
    folder.mkdir(parents=True)
    (folder / "page.html").write_text("<script>alert(1)</script>")
    (folder / "old.gif").write_bytes(photo("GIF") + b"<script>alert(1)</script>")
    assert client.get("/media/birthdays_images/page.html").status_code == 404
    assert client.get("/media/../settings/base.py").status_code == 404
    response = client.get("/media/birthdays_images/old.gif")
    response.close()
    assert response["Content-Type"] == "image/gif"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_storing_a_photo_without_a_form_reencodes_it_too(birthday):
    birthday.image.save("a.jpg", ContentFile(photo("JPEG", exif=exif_with_gps()) + TRAILER))
    birthday.refresh_from_db()
    assert birthday.image.name.endswith(".jpg")
    assert_clean(birthday.image.read())


@pytest.mark.django_db
def test_photos_stored_before_are_reencoded_by_a_command(birthday, settings):
    folder = settings.MEDIA_ROOT / "birthdays_images"
    folder.mkdir(parents=True)
    (folder / "old.jpg").write_bytes(photo("JPEG", exif=exif_with_gps()) + TRAILER)
    (folder / "broken.jpg").write_bytes(b"not a photo")
    Birthday.objects.filter(pk=birthday.pk).update(image="birthdays_images/old.jpg")
    broken = BirthdayFactory(image="birthdays_images/broken.jpg")
    out, err = io.StringIO(), io.StringIO()
    call_command("reencode_photos", stdout=out, stderr=err)
    birthday.refresh_from_db()
    assert_clean(birthday.image.read())
    assert not (folder / "old.jpg").exists()
    assert "1 photos re-encoded." in out.getvalue()
    assert f"birthday {broken.pk}: birthdays_images/broken.jpg left as it is" in err.getvalue()
