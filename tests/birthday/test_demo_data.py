import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from birthday.models import Birthday, Tag


@pytest.mark.django_db
def test_demo_data_twice_creates_no_duplicates(settings):
    settings.DEBUG = True
    call_command("load_demo_data")
    counts = (get_user_model().objects.count(), Birthday.objects.count(), Tag.objects.count())
    call_command("load_demo_data")
    assert (get_user_model().objects.count(), Birthday.objects.count(), Tag.objects.count()) == (
        counts
    )
    assert counts[1] >= 3
    assert get_user_model().objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_demo_data_refuses_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo_data")
