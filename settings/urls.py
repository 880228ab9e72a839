"""The site's URL map: the birthday pages at the root, accounts under /auth/, the admin, and
the email providers' webhooks under /anymail/ when ANYMAIL_WEBHOOK_SECRET is set."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("birthday.urls")),
    path("auth/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The alerts app's admin pages that are not a model's (dashboard, previews), before the admin.
    path("admin/alerts/", include("alerts.admin_urls")),
    path("admin/", admin.site.urls),
]
# Providers' tracking webhooks (Anymail), only behind the basic-auth secret they must present.
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    urlpatterns.append(path("anymail/", include("anymail.urls")))
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
