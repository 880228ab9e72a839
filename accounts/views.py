"""Sign-up with a confirmed address, log in, and Django's password views with our email, limits
and logging.

Log out and the "done" pages are Django's own views with our templates. Failed logins are
limited by django-axes (`lockout`), every other form by `limits`. Emails are queued once the
transaction commits; a queue that refuses one is logged by Django and the page still answers
(`robust=True`).
"""

import datetime as dt
from functools import partial

import structlog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import is_password_usable, make_password
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views import generic

from core.client_ip import client_ip
from core.masking import mask_email
from core.views import InvalidFormIs400Mixin

from . import confirmation, limits
from .forms import EmailAddressForm, LoginForm, RegistrationForm
from .tasks import (
    send_confirmation_email,
    send_password_changed_email,
    send_password_reset_email,
    send_signup_attempt_email,
)

logger = structlog.get_logger(__name__)

TOO_MANY_REQUESTS = _("Too many requests from your network. Please try again in an hour.")
TOO_MANY_WRONG_PASSWORDS = _(
    "Too many wrong current passwords. Please wait 15 minutes, or reset your password."
)


def too_many(view, message, **context) -> HttpResponse:
    """The view's own page, 429, with `message` above an empty form."""
    context = view.get_context_data(form=view.get_form_class()(**context), blocked=message)
    return view.render_to_response(context, status=429)


def over_signup_limit(view, request) -> HttpResponse | None:
    """429 once the client passed SIGNUP_LIMIT_PER_IP this hour (sign-up and resend share it)."""
    ip = client_ip(request)
    if limits.SIGNUP_PER_IP.hit_ip(request, ip, sender=type(view)):
        return None
    logger.warning("signup_throttled", client_ip=ip)
    return too_many(view, TOO_MANY_REQUESTS)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    transaction.on_commit(partial(task.enqueue, *args, **kwargs), robust=True)


class PasswordChangedMixin:
    """After a new password: log `log_event` and email the owner from the worker."""

    log_event: str

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        logger.info(self.log_event, user_id=user.pk, email=mask_email(user.email))
        enqueue_on_commit(send_password_changed_email, user.pk)
        return response


class RegistrationView(InvalidFormIs400Mixin, generic.FormView):
    """Sign up. A new and a taken address get the same redirect and cost the request the same.

    A new address gets an unconfirmed account and a confirmation link; a taken one a notice to
    its owner. Both emails come from the worker, at most CONFIRMATION_LIMIT_PER_EMAIL an hour
    to one address; sign-ups count SIGNUP_LIMIT_PER_IP an hour per client.
    """

    form_class = RegistrationForm
    template_name = "registration/registration_form.html"
    success_url = reverse_lazy("registration_done")

    def post(self, request, *args, **kwargs) -> HttpResponse:
        if (refused := over_signup_limit(self, request)) is not None:
            return refused
        purge_expired_signups()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: RegistrationForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        existing_id = account_id(email)
        if existing_id is None:
            try:
                with transaction.atomic():
                    user = form.save(commit=False)
                    user.email_confirmed = False
                    user.save()
            except IntegrityError:  # the same name or address, a moment ago
                existing_id = account_id(email)
                if existing_id is None:
                    form.add_error("username", _("A user with that username already exists."))
                    return self.form_invalid(form)
        else:
            # The hash a new account costs, so that a taken address answers no faster.
            make_password(form.cleaned_data["password1"])
        task, user_id = (
            (send_confirmation_email, user.pk)
            if existing_id is None
            else (send_signup_attempt_email, existing_id)
        )
        fields = {"email": mask_email(email), "client_ip": client_ip(self.request)}
        if limits.CONFIRMATION_PER_EMAIL.hit(self.request, limits.address_key(email)):
            logger.info("signup_requested", taken=existing_id is not None, **fields)
            enqueue_on_commit(task, user_id)
        else:
            logger.warning("signup_email_throttled", **fields)
        return HttpResponseRedirect(self.get_success_url())


def account_id(email: str) -> int | None:
    return (
        get_user_model()
        ._default_manager.filter(email__iexact=email)
        .values_list("pk", flat=True)
        .first()
    )


def purge_expired_signups() -> None:
    """Unconfirmed accounts whose link has expired free their username and address."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.ACCOUNT_CONFIRMATION_TIMEOUT)
    get_user_model()._default_manager.filter(
        email_confirmed=False, date_joined__lt=cutoff, last_login__isnull=True
    ).delete()


class RegistrationDoneView(generic.TemplateView):
    template_name = "registration/registration_done.html"


class ConfirmAddressView(generic.TemplateView):
    """A confirmation link: a page with one button (a link checker's GET confirms nothing);
    its POST confirms the address, and the owner logs in. A bad, used or expired link: 400."""

    template_name = "registration/confirm_address.html"

    def dispatch(self, request, *args, **kwargs) -> HttpResponse:
        self.user = confirmation.user_for_token(kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs) -> HttpResponse:
        context = self.get_context_data(validlink=self.user is not None)
        return self.render_to_response(context, status=200 if self.user else 400)

    def post(self, request, *args, **kwargs) -> HttpResponse:
        if self.user is None:
            return self.get(request, *args, **kwargs)
        self.user.email_confirmed = True
        self.user.save(update_fields=["email_confirmed"])
        logger.info("address_confirmed", user_id=self.user.pk)
        messages.success(request, _("Your address is confirmed. Welcome! Please log in."))
        login_url = f"{reverse('login')}?{urlencode({'username': self.user.get_username()})}"
        return HttpResponseRedirect(login_url)


class ResendConfirmationView(InvalidFormIs400Mixin, generic.FormView):
    """Ask for a new confirmation link by address: the same answer and work for any address."""

    form_class = EmailAddressForm
    template_name = "registration/confirmation_resend_form.html"
    success_url = reverse_lazy("registration_done")

    def post(self, request, *args, **kwargs) -> HttpResponse:
        if (refused := over_signup_limit(self, request)) is not None:
            return refused
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: EmailAddressForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        fields = {"email": mask_email(email), "client_ip": client_ip(self.request)}
        if limits.CONFIRMATION_PER_EMAIL.hit(self.request, limits.address_key(email)):
            logger.info("confirmation_resend_requested", **fields)
            user_id = (
                get_user_model()
                ._default_manager.filter(email__iexact=email, email_confirmed=False)
                .values_list("pk", flat=True)
                .first()
            )
            enqueue_on_commit(send_confirmation_email, user_id)
        else:
            logger.warning("confirmation_resend_throttled", **fields)
        return HttpResponseRedirect(self.get_success_url())


class LoginView(InvalidFormIs400Mixin, auth_views.LoginView):
    """Django's login; django-axes counts the failures and answers 429 for a locked pair."""

    authentication_form = LoginForm

    def get_initial(self) -> dict:
        return {"username": self.request.GET.get("username", "")[:150]}


class PasswordResetView(InvalidFormIs400Mixin, auth_views.PasswordResetView):
    """Ask for a reset link by email address.

    Every accepted request answers with the same redirect, and does the same work: one lookup
    and one queued task, whose argument is the user's id or None when no link may be sent. The
    worker makes the token and sends the email, so a known address is not slower than an
    unknown one. Over the abuse limits nothing is queued, and the answer is the same again.
    """

    form_class = EmailAddressForm

    def form_valid(self, form: EmailAddressForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        ip = client_ip(self.request)
        allowed = limits.PASSWORD_RESET_PER_IP.hit_ip(
            self.request, ip, sender=type(self)
        ) and limits.PASSWORD_RESET_PER_EMAIL.hit(self.request, limits.address_key(email))
        if not allowed:
            logger.warning("password_reset_throttled", email=mask_email(email), client_ip=ip)
        else:
            logger.info("password_reset_requested", email=mask_email(email), client_ip=ip)
            user_id = self.recipient_id(email)
            enqueue_on_commit(send_password_reset_email, user_id)
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

    The new password changes the session hash, so every session of the user ends. The link
    proves the address, so it also confirms an account not confirmed yet.
    """

    log_event = "password_reset_completed"

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        form.user.email_confirmed = True
        return super().form_valid(form)

    def render_to_response(self, context: dict, **response_kwargs) -> HttpResponse:
        if not self.validlink:
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)


class PasswordChangeView(
    InvalidFormIs400Mixin, PasswordChangedMixin, auth_views.PasswordChangeView
):
    """Change the password; this session stays signed in, every other one ends.

    PASSWORD_CHANGE_LIMIT_PER_USER wrong current passwords per PASSWORD_CHANGE_LIMIT_WINDOW
    seconds, then 429 without checking any: a stolen session cannot guess the password.
    """

    log_event = "password_changed"

    def post(self, request, *args, **kwargs) -> HttpResponse:
        if limits.PASSWORD_CHANGE_PER_USER.reached(request, str(request.user.pk)):
            logger.warning("password_change_throttled", user_id=request.user.pk)
            return too_many(self, TOO_MANY_WRONG_PASSWORDS, user=request.user)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        if form.has_error("old_password", "password_incorrect"):
            limits.PASSWORD_CHANGE_PER_USER.hit(self.request, str(self.request.user.pk))
        return super().form_invalid(form)
