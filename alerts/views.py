"""The alerts pages of the admin that are not a model's: the delivery dashboard and previews."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import charts, dashboard


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
