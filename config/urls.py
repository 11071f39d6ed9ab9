"""URL routes: the admin (at ADMIN_URL), the API, language switching and a health check."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from registry.health import healthz

# Refusals are shown in the admin's layout, in Chinese (registry/error_pages.py).
handler403 = "registry.error_pages.permission_denied"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("registry.api.urls")),
    path("", RedirectView.as_view(url="/" + settings.ADMIN_URL, permanent=False)),
]
