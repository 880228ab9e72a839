"""Authentication: Django's model backend, for accounts whose address is confirmed."""

from django.contrib.auth.backends import ModelBackend


class ConfirmedAccountBackend(ModelBackend):
    """An unconfirmed sign-up cannot log in anywhere (our form, the admin, an API)."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "email_confirmed", True)
