"""Pages of the birthday app, as class-based views with small hooks (after django.contrib.auth)."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic

from core.views import InvalidFormIs400Mixin

from .dates import age_on, days_until_birthday
from .forms import BirthdayForm, CongratulationForm
from .models import Birthday
from .rejections import RejectionLimitReached, Submission


class HomeView(generic.TemplateView):
    template_name = "birthday/home.html"

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(birthday_count=Birthday.objects.count(), **kwargs)


class BirthdayListView(generic.ListView):
    paginate_by = 10

    def get_queryset(self) -> QuerySet[Birthday]:
        return Birthday.objects.select_related("author").prefetch_related("tags")


class BirthdayDetailView(generic.DetailView):
    queryset = Birthday.objects.select_related("author").prefetch_related("tags")

    def get_context_data(self, **kwargs) -> dict:
        today = timezone.localdate()
        born = self.object.birthday
        kwargs.setdefault("form", CongratulationForm())
        return super().get_context_data(
            days_left=days_until_birthday(born, today),
            age=age_on(born, today),
            congratulations=self.object.congratulations.select_related("author"),
            **kwargs,
        )


class OnlyAuthorMixin(UserPassesTestMixin):
    """Anonymous users go to the login page; signed-in strangers get a 403."""

    def test_func(self) -> bool:
        return self.get_object().author_id == self.request.user.pk


def rejection_limit_page(request: HttpRequest) -> HttpResponse:
    """429 for one more Beatle past BIRTHDAY_REJECTION_LIMIT (the site form and the admin)."""
    return render(request, "birthday/rejection_limit.html", status=429)


class BirthdayFormMixin(InvalidFormIs400Mixin):
    model = Birthday
    form_class = BirthdayForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "submission": Submission.of(self.request)}

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().post(request, *args, **kwargs)
        except RejectionLimitReached:
            return rejection_limit_page(request)


class BirthdayCreateView(
    LoginRequiredMixin, SuccessMessageMixin, BirthdayFormMixin, generic.CreateView
):
    success_message = _("Birthday of %(first_name)s added.")

    def form_valid(self, form: BirthdayForm) -> HttpResponse:
        form.instance.author = self.request.user
        return super().form_valid(form)


class BirthdayUpdateView(
    OnlyAuthorMixin, SuccessMessageMixin, BirthdayFormMixin, generic.UpdateView
):
    success_message = _("Changes saved.")


class BirthdayDeleteView(OnlyAuthorMixin, SuccessMessageMixin, generic.DeleteView):
    model = Birthday
    success_url = reverse_lazy("birthday:list")
    success_message = _("Birthday deleted.")


class CongratulationCreateView(LoginRequiredMixin, generic.CreateView):
    """Posts a congratulation; an invalid one re-renders the detail page with its errors."""

    form_class = CongratulationForm
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs) -> HttpResponse:
        self.birthday = get_object_or_404(Birthday, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: CongratulationForm) -> HttpResponse:
        form.instance.birthday = self.birthday
        form.instance.author = self.request.user
        return super().form_valid(form)

    def form_invalid(self, form: CongratulationForm) -> HttpResponse:
        detail = BirthdayDetailView(request=self.request, kwargs=self.kwargs, object=self.birthday)
        context = detail.get_context_data(object=self.birthday, form=form)
        return detail.render_to_response(context, status=400)

    def get_success_url(self) -> str:
        return reverse("birthday:detail", args=[self.birthday.pk]) + "#congratulations"
