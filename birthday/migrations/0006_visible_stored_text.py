"""Text stored before the visible fields loses its invisible characters too.

A row whose cleaned name would collide with another (the same person twice) keeps its spelling:
a migration must not fail on old data, and the admin shows both.
"""

from django.db import IntegrityError, migrations, transaction

from core.text import visible

FIELDS = {"Birthday": ["first_name", "last_name"], "Tag": ["tag"], "Congratulation": ["text"]}


def clean_stored_text(apps, schema_editor) -> None:
    for model_name, fields in FIELDS.items():
        model = apps.get_model("birthday", model_name)
        for row in model.objects.only("pk", *fields).iterator():
            cleaned = {field: visible(getattr(row, field)) for field in fields}
            if cleaned != {field: getattr(row, field) for field in fields}:
                try:
                    with transaction.atomic():
                        model.objects.filter(pk=row.pk).update(**cleaned)
                except IntegrityError:
                    pass


class Migration(migrations.Migration):
    dependencies = [("birthday", "0005_visible_text_fields")]

    operations = [migrations.RunPython(clean_stored_text, migrations.RunPython.noop)]
