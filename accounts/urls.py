from django.urls import include, path

from . import notifications, views

urlpatterns = [
    path("registration/", views.RegistrationView.as_view(), name="registration"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("notifications/", notifications.NotificationsView.as_view(), name="notifications"),
    # Ours first: they take over these names and paths from django.contrib.auth.urls below.
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("", include("django.contrib.auth.urls")),
]
