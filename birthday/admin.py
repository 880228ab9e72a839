from django.contrib import admin

from .models import Birthday, Congratulation, ReminderPass, Tag


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
