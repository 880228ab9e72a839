"""Sign-up, log in, and the requests for an emailed link (password reset, confirmation)."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User

UNCONFIRMED = _(
    "Please confirm your email address first: follow the link in the email we sent you."
)


class RegistrationForm(UserCreationForm):
    """Username, address and password. An address already in use is not an error here: the
    view answers the same for it (see `RegistrationView`), so the form never tells."""

    email = forms.EmailField(label=_("Email address"), max_length=254)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"].strip())

    def _get_validation_exclusions(self) -> set[str]:
        # Usernames are public and may say "taken"; the address's uniqueness is the view's.
        return super()._get_validation_exclusions() | {"email"}


class LoginForm(AuthenticationForm):
    """Django's login form; an unconfirmed account is told so, with or without its password.

    The password is not checked for it, so the answer says nothing about the password.
    """

    unconfirmed = False

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        if (
            username
            and User._default_manager.filter(
                username=username, email_confirmed=False, is_active=True
            ).exists()
        ):
            self.unconfirmed = True
            raise forms.ValidationError(UNCONFIRMED, code="unconfirmed")
        return super().clean()


class EmailAddressForm(forms.Form):
    """Only the address: the view looks the account up, the worker writes the email."""

    # EmailField strips surrounding spaces; the lookup ignores case.
    email = forms.EmailField(label=_("Email address"), max_length=254)
