"""The `limits` cache's table (django-ratelimit's counters), made by `migrate` on databases
migrated before it existed; `createcachetable` skips the tables that are there."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_email_confirmed")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
