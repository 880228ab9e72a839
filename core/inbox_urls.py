"""/dev/inbox/: the development inbox (404 unless DEBUG)."""

from django.urls import path

from . import inbox

app_name = "inbox"
urlpatterns = [
    path("", inbox.inbox, name="list"),
    path("<str:key>/", inbox.message, name="message"),
    path("<str:key>/html/", inbox.message_html, name="html"),
]
