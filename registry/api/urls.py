"""Routes under /api/: the versioned endpoints, the schema and the docs; anything else is a JSON 404."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from .errors import not_found_view
from .views import VIEWSETS, DashboardView, DocsView, SchemaView

router = SimpleRouter()
for name, viewset in VIEWSETS.items():
    router.register(name, viewset, basename=f"api-{name}")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/dashboard/", DashboardView.as_view(), name="api-dashboard"),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(), name="api-docs"),
    re_path(r"^.*$", not_found_view),
]
