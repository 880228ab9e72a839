"""Forms of the birthday app. The Beatles rule is the model's (Birthday.clean); a form tells it
who submits (birthday.rejections.Submission)."""

from django import forms

from .models import Birthday, Congratulation
from .rejections import Submission


class SubmittedBirthdayForm(forms.ModelForm):
    """A birthday form that hands its submission to the instance it validates.

    The views pass `submission=`; the admin makes a subclass with `submission` set per request.
    """

    submission: Submission | None = None

    def __init__(self, *args, submission: Submission | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.submission = submission or self.submission or Submission()


class BirthdayForm(SubmittedBirthdayForm):
    class Meta:
        model = Birthday
        fields = ["first_name", "last_name", "birthday", "tags", "image"]
        widgets = {
            "birthday": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "tags": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.fields["tags"].queryset.exists():
            # Tags are made in the admin; until there is one, an empty "Tags" heading only puzzles.
            del self.fields["tags"]


class CongratulationForm(forms.ModelForm):
    class Meta:
        model = Congratulation
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
