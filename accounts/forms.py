"""Sign-up, and the request for a password reset link."""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class RegistrationForm(UserCreationForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"].strip())
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("A user with this email address already exists."), code="duplicate_email"
            )
        return email


class PasswordResetRequestForm(forms.Form):
    """Only the address: the view looks the account up, the worker writes the email."""

    # EmailField strips surrounding spaces; the lookup ignores case.
    email = forms.EmailField(label=_("Email address"), max_length=254)
