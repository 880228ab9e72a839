"""Admin: recipients to edit, alerts to read, deliveries to watch and retry."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import delivery, kinds, tasks
from .models import Alert, AlertRecipient, Delivery, Subscription
from .recording import record_event, user_fields

TEST_PAYLOAD = {"first_name": "Ринго", "last_name": "Старр"}
ADMIN_REASON = _("Deactivated in the admin.")


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 1


@admin.register(AlertRecipient)
class AlertRecipientAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "is_active", "kind_list", "deactivated_at"]
    list_filter = ["is_active", "subscriptions__kind"]
    search_fields = ["email", "name"]
    fields = ["email", "name", "is_active", "deactivated_at", "deactivation_reason"]
    readonly_fields = ["deactivated_at", "deactivation_reason"]
    inlines = [SubscriptionInline]
    actions = ["activate", "deactivate", "send_test_alert"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AlertRecipient]:
        return super().get_queryset(request).prefetch_related("subscriptions")

    @admin.display(description=_("kinds"))
    def kind_list(self, recipient: AlertRecipient) -> str:
        return ", ".join(str(sub) for sub in recipient.subscriptions.all())

    def save_model(self, request, obj: AlertRecipient, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            saved = AlertRecipient.objects.filter(pk=obj.pk)
            if obj.is_active:
                saved.activate()
            else:
                saved.deactivate(ADMIN_REASON)

    @admin.action(description=_("Activate selected recipients"))
    def activate(self, request: HttpRequest, queryset: QuerySet[AlertRecipient]) -> None:
        count = queryset.activate()
        self.message_user(
            request,
            ngettext("%d recipient activated.", "%d recipients activated.", count) % count,
        )

    @admin.action(description=_("Deactivate selected recipients"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[AlertRecipient]) -> None:
        count = queryset.filter(is_active=True).deactivate(ADMIN_REASON)
        self.message_user(
            request,
            ngettext("%d recipient deactivated.", "%d recipients deactivated.", count) % count,
        )

    @admin.action(description=_("Send a test alert"))
    def send_test_alert(self, request: HttpRequest, queryset: QuerySet[AlertRecipient]) -> None:
        """A real alert of each subscribed kind, through the same pipeline, for these only."""
        count = 0
        selected = list(queryset.values_list("pk", flat=True))
        payload = {**TEST_PAYLOAD, **user_fields(request.user)}
        for kind in kinds.all_kinds():
            targets = AlertRecipient.objects.subscribed_to(kind.name).filter(pk__in=selected)
            if targets.exists():
                record_event(kind.name, payload, recipients=targets, is_test=True)
                count += 1
        if count:
            self.message_user(request, _("Test alert recorded; it is on its way."))
        else:
            self.message_user(
                request, _("No active recipient with a subscription selected."), messages.WARNING
            )


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ["recipient", "status", "attempts", "sent_at", "confirmed_at", "digest", "last_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "kind", "summary", "is_test"]
    list_filter = ["kind", "occurred_at", "is_test"]
    date_hierarchy = "occurred_at"
    fields = ["kind", "occurred_at", "payload", "is_test"]
    inlines = [DeliveryInline]

    @admin.display(description=_("summary"))
    def summary(self, alert: Alert) -> str:
        payload = alert.payload
        return f"{payload.get('first_name', '')} {payload.get('last_name', '')}".strip()[:80]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "recipient",
        "kind",
        "alert",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "backend",
        "confirmed_at",
    ]
    list_filter = ["status", "kind", "backend"]
    list_select_related = ["recipient", "alert"]
    search_fields = ["recipient__email", "message_id", "provider_message_id"]
    actions = ["retry_now"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Retry now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        ids = delivery.reset_for_retry(queryset)
        if ids:
            transaction.on_commit(lambda: tasks.dispatch(ids), robust=True)
        self.message_user(
            request,
            ngettext("%d delivery queued again.", "%d deliveries queued again.", len(ids))
            % len(ids),
        )
