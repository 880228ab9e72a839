"""A fresh database has one recipient: admin@acme.not, for Beatles rejections."""

from django.db import migrations

EMAIL = "admin@acme.not"
KIND = "beatles_name_rejected"


def create_recipient(apps, schema_editor):
    AlertRecipient = apps.get_model("alerts", "AlertRecipient")
    Subscription = apps.get_model("alerts", "Subscription")
    recipient = AlertRecipient.objects.filter(email__iexact=EMAIL).first()
    if recipient is None:
        recipient = AlertRecipient.objects.create(email=EMAIL, name="Admin")
    Subscription.objects.get_or_create(recipient=recipient, kind=KIND)


def remove_recipient(apps, schema_editor):
    AlertRecipient = apps.get_model("alerts", "AlertRecipient")
    AlertRecipient.objects.filter(email__iexact=EMAIL, deliveries__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(create_recipient, remove_recipient)]
