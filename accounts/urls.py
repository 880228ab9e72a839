from django.urls import include, path

from . import views

urlpatterns = [
    path("registration/", views.RegistrationView.as_view(), name="registration"),
    path("", include("django.contrib.auth.urls")),
]
