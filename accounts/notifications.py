"""The Notifications page: when, and whether, the account is reminded of birthdays."""

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic

from core.views import InvalidFormIs400Mixin

from .models import User
from .preferences import Notice, offered_time_zones, valid_time_zones

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


class NotificationsForm(forms.ModelForm):
    reminder_notices = forms.TypedMultipleChoiceField(
        label=_("Remind me"),
        choices=Notice.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reminder_hour = forms.TypedChoiceField(label=_("At"), choices=HOURS, coerce=int)
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        help_text=_("Start typing a city, e.g. Europe/Moscow or America/New_York."),
        widget=forms.TextInput(
            attrs={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    class Meta:
        model = User
        fields = ["reminders_enabled", "reminder_notices", "reminder_hour", "time_zone"]
        labels = {"reminders_enabled": _("Email me before my friends' birthdays")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Until the user picks one, the site's own: shown, but not stored as their choice.
        self.initial["time_zone"] = self.instance.time_zone or settings.TIME_ZONE

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        if name not in valid_time_zones():
            raise forms.ValidationError(
                _("Unknown time zone “%(name)s”: pick one from the list, e.g. Europe/Moscow."),
                code="unknown_time_zone",
                params={"name": name},
            )
        return "" if name == settings.TIME_ZONE and not self.instance.time_zone else name

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("reminders_enabled") and cleaned.get("reminder_notices") == []:
            self.add_error(
                "reminder_notices",
                forms.ValidationError(
                    _("Choose at least one day, or turn reminders off."), code="no_notice"
                ),
            )
        return cleaned


class NotificationsView(
    LoginRequiredMixin, InvalidFormIs400Mixin, SuccessMessageMixin, generic.UpdateView
):
    form_class = NotificationsForm
    template_name = "accounts/notifications.html"
    success_url = reverse_lazy("notifications")
    success_message = _("Notification settings saved.")

    def get_object(self, queryset=None) -> User:
        return self.request.user

    def get_context_data(self, **kwargs) -> dict:
        zone = self.object.zone
        return super().get_context_data(
            time_zones=offered_time_zones(),
            zone=zone.key,
            local_now=timezone.now().astimezone(zone),
            **kwargs,
        )
