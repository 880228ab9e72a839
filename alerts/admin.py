"""Admin: recipients to edit, alerts to read, deliveries to watch and retry, silences."""

import datetime as dt
from functools import partial

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import delivery, fanout, kinds, rendering, silences, tasks
from .models import Alert, AlertRecipient, Delivery, Silence, Subscription
from .previews import alert_email
from .recording import record_event, user_fields


def silence_links(held: QuerySet[Silence], add_params: dict) -> str:
    """Each silence as a link with its end, then a link to add one for this target."""
    items = format_html_join(
        "",
        '<li><a href="{}">{}</a> ({})</li>',
        (
            (
                s.get_admin_path(),
                s.target,
                _("until %s") % date_format(localtime(s.ends_at), "DATETIME_FORMAT"),
            )
            for s in held
        ),
    )
    add = reverse("admin:alerts_silence_add") + "?" + urlencode(add_params)
    return format_html(
        '<ul class="silences">{}</ul><a class="addlink" href="{}">{}</a>',
        items or format_html("<li>{}</li>", _("none")),
        add,
        _("Silence"),
    )


ADMIN_REASON = _("Deactivated in the admin.")


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 1


@admin.register(AlertRecipient)
class AlertRecipientAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "is_active", "kind_list", "deactivated_at"]
    list_filter = ["is_active", "subscriptions__kind"]
    search_fields = ["email", "name"]
    fields = [
        "email",
        "name",
        "is_active",
        "user",
        "deactivated_at",
        "deactivation_reason",
        "active_silences",
        "unsubscribed",
    ]
    readonly_fields = [
        "user",
        "deactivated_at",
        "deactivation_reason",
        "active_silences",
        "unsubscribed",
    ]
    inlines = [SubscriptionInline]
    actions = ["activate", "deactivate", "send_test_alert"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AlertRecipient]:
        return super().get_queryset(request).prefetch_related("subscriptions")

    @admin.display(description=_("unsubscribed"))
    def unsubscribed(self, recipient: AlertRecipient) -> str:
        """When and how the recipient left a kind through its emails' unsubscribe link."""
        return (
            format_html_join(
                mark_safe("<br>"),
                "{}: {} · {}",
                (
                    (
                        left.get_kind_display(),
                        date_format(localtime(left.unsubscribed_at), "DATETIME_FORMAT"),
                        left.get_method_display(),
                    )
                    for left in recipient.unsubscriptions.all()
                ),
            )
            or "—"
        )

    @admin.display(description=_("kinds"))
    def kind_list(self, recipient: AlertRecipient) -> str:
        return ", ".join(str(sub) for sub in recipient.subscriptions.all())

    @admin.display(description=_("active silences"))
    def active_silences(self, recipient: AlertRecipient) -> str:
        """Every silence that holds this recipient's email now: its own and its kinds'."""
        if recipient.pk is None:
            return "-"
        kinds_of = recipient.subscriptions.values_list("kind", flat=True)
        held = Silence.objects.active().filter(
            Q(recipient=recipient) | Q(recipient__isnull=True, kind__in=kinds_of)
        )
        return silence_links(held.select_related("recipient"), {"recipient": recipient.pk})

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
        """A real alert of each kind they would receive (its sample payload, the admin as the one
        signed in), through the same pipeline, for these only."""
        count = 0
        selected = AlertRecipient.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        for kind in kinds.all_kinds():
            targets = fanout.test_alert_targets(kind, selected)
            if targets.exists():
                payload = {**kind.sample_payload, **user_fields(request.user)}
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
    class Media:
        css = {"all": ["alerts/admin.css"]}

    list_display = ["occurred_at", "kind", "summary", "is_test"]
    list_filter = ["kind", "occurred_at", "is_test"]
    date_hierarchy = "occurred_at"
    fields = ["kind", "occurred_at", "fanned_out_at", "payload", "is_test", "sent_email"]
    readonly_fields = ["sent_email"]
    inlines = [DeliveryInline]

    @admin.display(description=_("email sent"))
    def sent_email(self, alert: Alert) -> str:
        """The email as its delivery sent it: subject, HTML (sandboxed) and text."""
        message, shown = alert_email(alert)
        if shown is None:
            note = _("No delivery: the email its recipients would get.")
        elif shown.is_digest:
            note = _("Sent inside this digest:")
        else:
            note = _("As sent to %(email)s:") % {"email": shown.recipient.email}
        return format_html(
            '<div class="alerts-preview"><p>{} {}</p><p class="preview-subject">{}</p>'
            '<iframe sandbox="" src="{}" title="{}"></iframe><pre>{}</pre></div>',
            note,
            format_html('<a href="{}">{}</a>', shown.get_admin_path(), shown) if shown else "",
            # escape(), not format_html's conditional escaping: the rendered text is "safe".
            escape(message.subject),
            reverse("alerts_admin:alert_email_html", args=[alert.pk]),
            _("The HTML part of the email"),
            escape(message.body),
        )

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # A silence summary links to the alerts it held (and a digest to those it folded).
        if lookup == "deliveries__digest__id__exact":
            return True
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("summary"))
    def summary(self, alert: Alert) -> str:
        """The kind's own line for the event (its digest_item.txt)."""
        return Truncator(rendering.summary(alert)).chars(80)

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


class SilenceStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("active", _("active")),
            ("scheduled", _("scheduled")),
            ("ended", _("ended")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "active":
                return queryset.active(now)
            case "scheduled":
                return queryset.filter(starts_at__gt=now)
            case "ended":
                return queryset.filter(ends_at__lte=now)
        return queryset


@admin.register(Silence)
class SilenceAdmin(admin.ModelAdmin):
    list_display = ["target", "starts_at", "ends_at", "state", "reason", "created_by"]
    list_filter = [SilenceStateFilter, "kind"]
    list_select_related = ["recipient", "created_by"]
    search_fields = ["reason", "recipient__email"]
    fields = [
        "kind",
        "recipient",
        "starts_at",
        "ends_at",
        "reason",
        "created_by",
        "created_at",
        "ended_at",
        "ended_by",
    ]
    autocomplete_fields = ["recipient"]
    actions = ["end_now"]

    def get_readonly_fields(self, request: HttpRequest, obj: Silence | None = None) -> list[str]:
        audit = ["created_by", "created_at", "ended_at", "ended_by"]
        if obj is None:
            return audit
        # What a silence covers and when it began stay as they were once it exists.
        return ["kind", "recipient", "starts_at", *audit]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        now = timezone.now()
        return {"starts_at": now, "ends_at": now + dt.timedelta(hours=1), **initial}

    def has_change_permission(self, request: HttpRequest, obj: Silence | None = None) -> bool:
        if obj is not None and obj.ended_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Silence | None = None) -> bool:
        return False  # kept as a record; "End now" stops one

    @admin.display(description=_("silences"))
    def target(self, silence: Silence) -> str:
        return silence.target

    @admin.display(description=_("state"))
    def state(self, silence: Silence) -> str:
        now = timezone.now()
        if silence.ends_at <= now:
            return _("ended")
        return _("active") if silence.starts_at <= now else _("scheduled")

    def save_model(self, request, obj: Silence, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            silences.log_created(obj)
        elif "ends_at" in form.changed_data:
            ids = silences.reschedule(obj)
            if ids:
                transaction.on_commit(partial(tasks.dispatch_at, ids, obj.ends_at), robust=True)
        if not change or "ends_at" in form.changed_data:
            transaction.on_commit(partial(tasks.schedule_silence_end, obj.ends_at), robust=True)

    @admin.action(description=_("End now"))
    def end_now(self, request: HttpRequest, queryset: QuerySet[Silence]) -> None:
        """End them; each recipient they held something for gets its summary now."""
        ended = silences.end_early(queryset, request.user)
        due = silences.release(ended, now=timezone.now())
        if due:
            transaction.on_commit(partial(tasks.dispatch, due), robust=True)
        count = len(ended)
        self.message_user(
            request, ngettext("%d silence ended.", "%d silences ended.", count) % count
        )
