"""Sign-up, and Django's log-in and password views with our email, limits and logging.

The other account pages (log out, the "done" pages) are Django's own views with our templates.
Emails are queued once the transaction commits; a queue that refuses one is logged by Django
and the page still answers (`robust=True`).
"""

from functools import partial

import structlog
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import is_password_usable
from django.contrib.messages.views import SuccessMessageMixin
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import generic

from core.client_ip import client_ip
from core.masking import mask_email
from core.views import InvalidFormIs400Mixin

from .forms import PasswordResetRequestForm, RegistrationForm
from .tasks import send_password_changed_email, send_password_reset_email
from .throttling import login_blocked, password_reset_allowed, record_login_failure

logger = structlog.get_logger(__name__)

TOO_MANY_FAILURES = _(
    "Too many failed attempts to log in. Please wait an hour, or reset your password."
)


class PasswordChangedMixin:
    """After a new password: log `log_event` and email the owner from the worker."""

    log_event: str

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        logger.info(self.log_event, user_id=user.pk, email=mask_email(user.email))
        transaction.on_commit(partial(send_password_changed_email.enqueue, user.pk), robust=True)
        return response


class RegistrationView(InvalidFormIs400Mixin, SuccessMessageMixin, generic.CreateView):
    form_class = RegistrationForm
    template_name = "registration/registration_form.html"
    success_url = reverse_lazy("birthday:list")
    success_message = _("Welcome, %(username)s! You are signed in.")

    def form_valid(self, form: RegistrationForm) -> HttpResponse:
        response = super().form_valid(form)
        login(self.request, self.object, backend="django.contrib.auth.backends.ModelBackend")
        return response


class LoginView(InvalidFormIs400Mixin, auth_views.LoginView):
    """Django's login, with limits on failures per username and per client (brute force)."""

    def post(self, request, *args, **kwargs) -> HttpResponse:
        username = request.POST.get("username", "")
        ip = client_ip(request)
        if login_blocked(username, ip):
            logger.warning("login_throttled", client_ip=ip)
            # An unbound form: the password is never checked, so the answer tells nothing.
            form = self.get_form_class()(self.request, initial={"username": username})
            context = self.get_context_data(form=form, blocked=TOO_MANY_FAILURES)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        record_login_failure(self.request.POST.get("username", ""), client_ip(self.request))
        return super().form_invalid(form)


class PasswordResetView(InvalidFormIs400Mixin, auth_views.PasswordResetView):
    """Ask for a reset link by email address.

    Every accepted request answers with the same redirect, and does the same work: one lookup
    and one queued task, whose argument is the user's id or None when no link may be sent. The
    worker makes the token and sends the email, so a known address is not slower than an
    unknown one. Over the abuse limits nothing is queued, and the answer is the same again.
    """

    form_class = PasswordResetRequestForm

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        ip = client_ip(self.request)
        if not password_reset_allowed(email, ip):
            logger.warning("password_reset_throttled", email=mask_email(email), client_ip=ip)
        else:
            logger.info("password_reset_requested", email=mask_email(email), client_ip=ip)
            user_id = self.recipient_id(email)
            transaction.on_commit(partial(send_password_reset_email.enqueue, user_id), robust=True)
        return HttpResponseRedirect(self.get_success_url())

    @staticmethod
    def recipient_id(email: str) -> int | None:
        """The id of the account that may get a link, or None: one and the same query for all."""
        found = (
            get_user_model()
            ._default_manager.filter(email__iexact=email)
            .values_list("pk", "is_active", "password")
            .first()
        )
        if found is None:
            return None
        pk, is_active, password = found
        return pk if is_active and is_password_usable(password) else None


class PasswordResetConfirmView(
    InvalidFormIs400Mixin, PasswordChangedMixin, auth_views.PasswordResetConfirmView
):
    """Set a new password from an emailed link; a bad link gets a friendly 400 page.

    The new password changes the session hash, so every session of the user ends.
    """

    log_event = "password_reset_completed"

    def render_to_response(self, context: dict, **response_kwargs) -> HttpResponse:
        if not self.validlink:
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)


class PasswordChangeView(
    InvalidFormIs400Mixin, PasswordChangedMixin, auth_views.PasswordChangeView
):
    """Change the password; this session stays signed in, every other one ends."""

    log_event = "password_changed"
