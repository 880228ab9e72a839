"""The default recipient (admin@acme.not, migration 0002) also receives security events: a site's
admin should hear of locked logins and changed staff passwords from the start."""

from django.db import migrations

EMAIL = "admin@acme.not"
KIND = "security"


def subscribe(apps, schema_editor):
    AlertRecipient = apps.get_model("alerts", "AlertRecipient")
    Subscription = apps.get_model("alerts", "Subscription")
    for recipient in AlertRecipient.objects.filter(email__iexact=EMAIL, user__isnull=True):
        Subscription.objects.get_or_create(recipient=recipient, kind=KIND)


def unsubscribe(apps, schema_editor):
    Subscription = apps.get_model("alerts", "Subscription")
    Subscription.objects.filter(recipient__email__iexact=EMAIL, kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0008_delivery_backend_and_replay_key")]

    operations = [migrations.RunPython(subscribe, unsubscribe)]
