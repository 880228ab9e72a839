"""Photos: only real JPEG/PNG/GIF/WebP images, at most MAX_UPLOAD_SIZE bytes."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from birthday.forms import BirthdayForm

DATA = {"first_name": "Иван", "last_name": "Петров", "birthday": "1990-05-17"}


def image_file(name: str, image_format: str, side: int = 8) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    # Noise does not compress: the file grows with the side.
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue())


def form(image: SimpleUploadedFile, **kwargs) -> BirthdayForm:
    return BirthdayForm(data=DATA, files={"image": image}, **kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "image_format"),
    [("a.jpg", "JPEG"), ("a.jpeg", "JPEG"), ("a.png", "PNG"), ("a.gif", "GIF"), ("a.webp", "WEBP")],
)
def test_allowed_types_are_stored_under_media_root(user, settings, name, image_format):
    f = form(image_file(name, image_format))
    assert f.is_valid(), f.errors
    f.instance.author = user
    birthday = f.save()
    assert (settings.MEDIA_ROOT / birthday.image.name).is_file()


@pytest.mark.django_db
def test_too_large_is_refused_with_the_limit(settings):
    settings.MAX_UPLOAD_SIZE = 1024
    f = form(image_file("big.png", "PNG", side=64))
    assert 12 * 1024 < f.files["image"].size < 13 * 1024
    assert not f.is_valid()
    assert f.errors["image"] == ["Фото слишком большое: не больше 1,0\xa0КБ, а это 12,1\xa0КБ."]


@pytest.mark.django_db
def test_other_image_formats_are_refused_even_with_an_allowed_name():
    f = form(image_file("photo.png", "BMP"))
    assert not f.is_valid()
    assert f.errors["image"] == ["Загрузите изображение JPEG, PNG, GIF или WebP."]


@pytest.mark.django_db
def test_an_allowed_format_with_another_extension_is_refused():
    f = form(image_file("photo.bmp", "PNG"))
    assert not f.is_valid()
    assert f.errors.as_data()["image"][0].code == "invalid_extension"


@pytest.mark.django_db
def test_a_file_that_is_no_image_is_refused():
    f = form(SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>"))
    assert not f.is_valid()
    assert f.errors.as_data()["image"][0].code == "invalid_image"


@pytest.mark.django_db
def test_editing_keeps_a_stored_photo_without_checking_it_again(birthday, settings):
    """A photo stored earlier may be gone from the storage: the birthday stays editable."""
    birthday.image.name = "birthdays_images/gone.png"
    birthday.save()
    settings.MAX_UPLOAD_SIZE = 1
    f = BirthdayForm(data=DATA, instance=birthday)
    assert f.is_valid(), f.errors
