"""Authentication backends: django-axes' gate, then the model backend for confirmed accounts."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend


class ConfirmedAccountBackend(ModelBackend):
    """An unconfirmed sign-up cannot log in anywhere (our form, the admin, an API)."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "email_confirmed", True)


class LoginLimitBackend(AxesStandaloneBackend):
    """django-axes' gate, first in AUTHENTICATION_BACKENDS: refuses a locked pair or IP.

    An authenticate() without a request (a shell, a management command, the test client's
    login()) has no client to count and cannot be a brute force over HTTP: it passes on.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
