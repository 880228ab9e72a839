"""Create the database cache tables with `migrate`, so that no deployment can lack them.

django-structlog hands a request's log context to its tasks through a database cache: without
its table every task fails. (A database cache configured later needs `createcachetable` once.)
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
