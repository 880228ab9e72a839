from django.urls import path

from . import unsubscribe_views

app_name = "alerts"

urlpatterns = [
    path(
        "unsubscribe/<str:token>/", unsubscribe_views.UnsubscribeView.as_view(), name="unsubscribe"
    ),
]
