"""Admin pages of the alerts app beside its models', under /admin/alerts/ (see settings/urls.py)."""

from django.urls import path

from . import views

app_name = "alerts_admin"
urlpatterns = [
    path("dashboard/", views.DashboardView.as_admin_view(), name="dashboard"),
    path("previews/", views.PreviewListView.as_admin_view(), name="previews"),
    path("previews/<str:key>/", views.PreviewView.as_admin_view(), name="preview"),
    path(
        "previews/alert/<int:pk>/html/",
        views.AlertEmailHtmlView.as_admin_view(),
        name="alert_email_html",
    ),
    path(
        "previews/<str:key>/<str:language>/html/",
        views.PreviewHtmlView.as_admin_view(),
        name="preview_html",
    ),
    path(
        "previews/<str:key>/<str:language>/send/",
        views.PreviewSendView.as_admin_view(),
        name="preview_send",
    ),
]
