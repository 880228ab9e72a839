"""Admin pages of the alerts app beside its models', under /admin/alerts/ (see settings/urls.py)."""

from django.urls import path

from . import views

app_name = "alerts_admin"
urlpatterns = [
    path("dashboard/", views.DashboardView.as_admin_view(), name="dashboard"),
]
