"""The site's URL map: the birthday pages at the root, accounts under /auth/, the admin, the
configured email providers' tracking webhooks under /anymail/ when ANYMAIL_WEBHOOK_SECRET is set,
and the photos under /media/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from core.views import media

urlpatterns = [
    path("", include("birthday.urls")),
    path("auth/", include("accounts.urls")),
    path("", include("alerts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The alerts app's admin pages that are not a model's (dashboard, previews), before the admin.
    path("admin/alerts/", include("alerts.admin_urls")),
    path("admin/", admin.site.urls),
    # What the file email backend wrote, decoded (answers 404 unless DEBUG).
    path("dev/inbox/", include("core.inbox_urls")),
]
# Providers' tracking webhooks (Anymail), only behind the basic-auth secret they must present,
# only the configured providers', and none that can answer 500 (core.webhooks).
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    from core import webhooks  # Anymail's webhook views: a second to import, so only then

    urlpatterns.append(path("anymail/", include((webhooks.urlpatterns(), "anymail"))))
# Photos, as images only (core.views.media); in production the proxy serves MEDIA_ROOT the same
# way in front of this (README "Deploying").
urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media))

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
