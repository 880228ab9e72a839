"""The alerts pages of the admin that are not a model's: the delivery dashboard and previews."""

import structlog
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from core import previews
from core.emails import clean_subject
from core.framed import framed_html

from . import charts, dashboard
from .models import Alert
from .previews import alert_email, extra_for

logger = structlog.get_logger(__name__)


class AdminPageMixin:
    """An admin page: the admin's login, its chrome (sidebar, theme) and a view permission."""

    permission = "alerts.view_delivery"
    title = ""

    @classmethod
    def as_admin_view(cls):
        return admin.site.admin_view(cls.as_view())

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        return {
            **admin.site.each_context(self.request),
            "title": self.title,
            **super().get_context_data(**kwargs),
        }


class DashboardView(AdminPageMixin, TemplateView):
    template_name = "admin/alerts/dashboard.html"
    title = _("Delivery dashboard")

    def get_context_data(self, **kwargs) -> dict:
        figures = dashboard.build()
        week = figures.hourly
        return super().get_context_data(
            figures=figures,
            day_chart=charts.hourly_chart(week[-24:], label_every=3),
            week_chart=charts.hourly_chart(week, label_every=24),
            week_days=charts.daily_rows(week),
            **kwargs,
        )


class PreviewListView(AdminPageMixin, TemplateView):
    """Every email the site sends, grouped by who sends it, each opening its preview."""

    template_name = "admin/alerts/previews.html"
    title = _("Email previews")

    def get_context_data(self, **kwargs) -> dict:
        groups: dict[str, list[previews.Preview]] = {}
        for preview in previews.all_previews():
            groups.setdefault(str(preview.group), []).append(preview)
        return super().get_context_data(groups=groups, **kwargs)


def _preview_or_404(key: str) -> previews.Preview:
    try:
        return previews.get(key)
    except KeyError:
        raise Http404 from None


def _language_or_404(language: str) -> str:
    if language not in dict(settings.LANGUAGES):
        raise Http404
    return language


class PreviewView(AdminPageMixin, TemplateView):
    """One email in each site language: subject, text, and HTML in a sandboxed iframe."""

    template_name = "admin/alerts/preview.html"

    def get_context_data(self, key: str, **kwargs) -> dict:
        preview = _preview_or_404(key)
        renderings = []
        for code, name in settings.LANGUAGES:
            message = preview.build(code)
            renderings.append(
                {
                    "code": code,
                    "name": name,
                    # Rendered text is marked safe by the template engine: shown as text here.
                    "subject": escape(message.subject),
                    "text": escape(message.body),
                    "html_url": reverse("alerts_admin:preview_html", args=[key, code]),
                    "send_url": reverse("alerts_admin:preview_send", args=[key, code]),
                }
            )
        self.title = _("Preview: %(email)s") % {"email": preview.label}
        return super().get_context_data(
            preview=preview, renderings=renderings, extra=extra_for(preview), **kwargs
        )


class PreviewHtmlView(AdminPageMixin, View):
    def get(self, request: HttpRequest, key: str, language: str) -> HttpResponse:
        message = _preview_or_404(key).build(_language_or_404(language))
        return framed_html(html_part(message))


class PreviewSendView(AdminPageMixin, View):
    """Send the preview to the signed-in admin, marked as a test, through the real mailer."""

    def post(self, request: HttpRequest, key: str, language: str) -> HttpResponse:
        preview = _preview_or_404(key)
        back = redirect("alerts_admin:preview", key=key)
        if not request.user.email:
            messages.error(request, _("Your account has no email address to send the preview to."))
            return back
        message = preview.build(_language_or_404(language))
        with translation.override(language):
            message.subject = clean_subject(f"{_('[test]')} {message.subject}")
        message.to, message.cc, message.bcc = [request.user.email], [], []
        message.extra_headers["X-Birthday-Preview"] = preview.key
        try:
            message.send(using=preview.mailer)
        except Exception as error:
            logger.warning("preview_send_failed", preview=preview.key, error=type(error).__name__)
            messages.error(
                request, _("The preview could not be sent: %(error)s") % {"error": error}
            )
            return back
        logger.info("preview_sent", preview=preview.key, language=language, user_id=request.user.pk)
        messages.success(
            request,
            _("The preview (%(language)s) was sent to %(email)s, marked as a test.")
            % {"language": dict(settings.LANGUAGES)[language], "email": request.user.email},
        )
        return back


class AlertEmailHtmlView(AdminPageMixin, View):
    """The HTML of the email an alert's delivery sent, for the iframe on the alert's page."""

    permission = "alerts.view_alert"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert = get_object_or_404(Alert, pk=pk)
        return framed_html(html_part(alert_email(alert)[0]))


def html_part(message) -> str:
    for content, mimetype in message.alternatives:
        if mimetype == "text/html":
            return content
    raise Http404
