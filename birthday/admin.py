from django.contrib import admin

from .models import Birthday, Congratulation, Tag


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
