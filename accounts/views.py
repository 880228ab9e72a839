"""Sign-up. The other account pages are Django's own views with our templates."""

from django.contrib.auth import login
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import generic

from .forms import RegistrationForm


class RegistrationView(SuccessMessageMixin, generic.CreateView):
    form_class = RegistrationForm
    template_name = "registration/registration_form.html"
    success_url = reverse_lazy("birthday:list")
    success_message = _("Welcome, %(username)s! You are signed in.")

    def form_valid(self, form: RegistrationForm) -> HttpResponse:
        response = super().form_valid(form)
        login(self.request, self.object, backend="django.contrib.auth.backends.ModelBackend")
        return response

    def form_invalid(self, form: RegistrationForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)
