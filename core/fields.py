"""Model fields for text that people read: stored as they see it (core.text.visible).

Every path normalizes: the form field (so length limits count visible characters), the model
field's validation (the admin, full_clean) and save() itself (scripts, fixtures, data migrations).
"""

from django import forms
from django.db import models

from .text import visible


class VisibleFormField(forms.CharField):
    def to_python(self, value) -> str | None:
        value = super().to_python(value)
        if value is None:  # the empty value of a nullable field
            return None
        value = visible(value)
        return value.strip() if self.strip else value


class VisibleTextMixin:
    def to_python(self, value):
        value = super().to_python(value)
        return value if value is None else visible(value)

    def pre_save(self, model_instance: models.Model, add: bool):
        value = getattr(model_instance, self.attname)
        if value is not None:
            value = visible(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs) -> forms.Field:
        return super().formfield(**{"form_class": VisibleFormField, **kwargs})


class VisibleCharField(VisibleTextMixin, models.CharField):
    pass


class VisibleTextField(VisibleTextMixin, models.TextField):
    pass
