"""Forms of the birthday app. The Beatles rule lives here; what follows a rejection does not."""

import structlog
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .beatles import is_beatle
from .models import Birthday, Congratulation
from .signals import beatles_name_rejected

logger = structlog.get_logger(__name__)

BEATLES_ERROR = _("We love the Beatles too, but please enter a real name!")


class BirthdayForm(forms.ModelForm):
    class Meta:
        model = Birthday
        fields = ["first_name", "last_name", "birthday", "tags", "image"]
        widgets = {
            "birthday": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "tags": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.fields["tags"].queryset.exists():
            # Tags are made in the admin; until there is one, an empty "Tags" heading only puzzles.
            del self.fields["tags"]

    def clean(self) -> dict:
        cleaned_data = super().clean()
        first_name = cleaned_data.get("first_name", "")
        last_name = cleaned_data.get("last_name", "")
        if first_name and is_beatle(first_name, last_name):
            logger.info(
                "beatles_name_rejected",
                first_name=first_name,
                last_name=last_name,
                user_id=self.user.pk if self.user else None,
            )
            beatles_name_rejected.send(
                sender=type(self),
                first_name=first_name,
                last_name=last_name,
                user=self.user,
            )
            raise ValidationError(BEATLES_ERROR, code="beatles")
        return cleaned_data


class CongratulationForm(forms.ModelForm):
    class Meta:
        model = Congratulation
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
