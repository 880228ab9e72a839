from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from .forms import SubmittedBirthdayForm
from .models import Birthday, Congratulation, ReminderPass, Tag
from .rejections import RejectionLimitReached, Submission
from .views import rejection_limit_page


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["tag"]


@admin.register(Birthday)
class BirthdayAdmin(admin.ModelAdmin):
    list_display = ["first_name", "last_name", "birthday", "author", "created_at"]
    list_select_related = ["author"]
    search_fields = ["first_name", "last_name"]
    list_filter = ["tags"]
    autocomplete_fields = ["tags"]
    form = SubmittedBirthdayForm

    def get_form(self, request: HttpRequest, obj=None, **kwargs) -> type[SubmittedBirthdayForm]:
        """The admin's form, told that this admin submits it (the Beatles rule names them)."""
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"submission": Submission.of(request)})

    def changeform_view(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except RejectionLimitReached:
            return rejection_limit_page(request)


@admin.register(Congratulation)
class CongratulationAdmin(admin.ModelAdmin):
    list_display = ["birthday", "author", "created_at"]
    list_select_related = ["birthday", "author"]


@admin.register(ReminderPass)
class ReminderPassAdmin(admin.ModelAdmin):
    """The hourly reminder passes, read-only: did the last one run, and what did it find."""

    list_display = ["started_at", "hour", "finished_at", "users", "reminders"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
