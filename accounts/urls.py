from django.urls import include, path

from . import notifications, views

urlpatterns = [
    path("registration/", views.RegistrationView.as_view(), name="registration"),
    path("registration/done/", views.RegistrationDoneView.as_view(), name="registration_done"),
    path("confirm/resend/", views.ResendConfirmationView.as_view(), name="confirmation_resend"),
    path("confirm/<str:token>/", views.ConfirmAddressView.as_view(), name="confirm_address"),
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
