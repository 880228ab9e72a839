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


@pytest.mark.django_db
def test_the_demo_user_always_has_a_birthday_tomorrow(settings):
    import datetime as dt

    from django.utils import timezone

    from birthday.dates import days_until_birthday

    settings.DEBUG = True
    call_command("load_demo_data")
    call_command("load_demo_data")
    demo = get_user_model().objects.get(username="demo")
    today = timezone.localdate()
    tomorrow = [b for b in demo.birthdays.all() if days_until_birthday(b.birthday, today) == 1]
    assert len(tomorrow) == 1
    assert tomorrow[0].birthday < today - dt.timedelta(days=365)


@pytest.mark.django_db
def test_demo_accounts_log_in_and_raise_no_security_alert(
    settings, client, django_capture_on_commit_callbacks
):
    """A new demo admin is no staff password change: the first `make run` mails no alert."""
    from alerts.models import Alert

    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data")

    assert not Alert.objects.filter(kind="security").exists()
    assert client.login(username="admin", password="admin-birthday-2026")
