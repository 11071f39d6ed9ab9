"""The endpoints: one read-only view set per resource, the dashboard figures, schema and docs.

Every view answers in Chinese (labels and messages), authenticates with a key or a staff session,
checks MayRead, throttles per caller, and writes the call to the audit log. A list is the scoped
queryset (registry.access.scope_queryset, the admin's rule), narrowed by the filters, paged by keys.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from registry import access
from registry.reports.dashboard import dashboard_context

from . import approval, calls, schema  # noqa: F401 - schema registers the key scheme with drf-spectacular
from .auth import ApiKeyAuthentication, CallerThrottle, MayRead
from .errors import API_LANGUAGE
from .filters import RecordFilter, RecordSearch
from .pagination import KeysetPagination
from .resources import DASHBOARD, RESOURCES, Resource
from .serializers import record_queryset, serializer_for

if TYPE_CHECKING:
    # What the mixin is mixed into (at run time it sits before these classes in the MRO).
    from rest_framework.views import APIView as ViewBase
else:
    ViewBase = object


class ApiViewMixin(ViewBase):
    """What every API view shares: Chinese, authentication, permission, throttle, audit."""

    kind: str | None = None
    resource: Resource | None = None
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [MayRead]
    throttle_classes = [CallerThrottle]

    # The API speaks Chinese whatever the caller's language cookie.
    def dispatch(self, request, *args, **kwargs):
        with translation.override(API_LANGUAGE):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            return response

    # Errors are JSON whatever was negotiated (the schema's YAML, the docs' HTML), and refused
    # calls of a known caller are logged too.
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and isinstance(response, Response):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        model = self.resource.model if self.resource else self.kind or ""
        calls.record_call(request, response.status_code, model, getattr(self, "rows_returned", None))
        return response


class ResourceViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """List (`/api/v1/<name>/`) and detail (`/api/v1/<name>/<id>/`) of one resource."""

    filter_backends = [RecordFilter, RecordSearch]
    pagination_class = KeysetPagination
    lookup_value_regex = r"[0-9]{1,18}"
    resource: Resource  # every view set of viewset_for() has one

    # Approved records only, unless the caller asks for other review states and may read them.
    def get_queryset(self):
        fake = getattr(self, "swagger_fake_view", False)  # the schema generator has no caller
        states = approval.APPROVED_ONLY if fake else approval.requested_states(self.request)
        return access.scope_queryset(self.request.user, record_queryset(self.resource, states))

    def get_serializer_class(self):
        return serializer_for(self.resource)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self.rows_returned = len(response.data["results"])
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self.rows_returned = 1
        return response


def viewset_for(resource: Resource) -> type[ResourceViewSet]:
    """A view set class of its own per resource (the router and the schema name them by class)."""
    name = resource.model.__name__
    plural = resource.model._meta.verbose_name_plural
    docs = extend_schema(tags=[resource.name])
    viewset = type(
        f"{name}ViewSet",
        (ResourceViewSet,),
        {"resource": resource, "kind": resource.name, "__doc__": f"{plural}（{resource.name}）"},
    )
    return docs(viewset)


VIEWSETS = {resource.name: viewset_for(resource) for resource in RESOURCES}


# -- dashboard ------------------------------------------------------------------------------------


class FigureSchema(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    amounts = serializers.ListField(child=serializers.CharField(), help_text=_("Amounts in 10k yuan (万元)."))


class BreakdownSchema(serializers.Serializer):
    title = serializers.CharField()
    total = FigureSchema()
    parts = FigureSchema(many=True)
    amount_labels = serializers.ListField(child=serializers.CharField())


class SectionSchema(serializers.Serializer):
    title = serializers.CharField()
    breakdowns = BreakdownSchema(many=True)


class IndicatorRowSchema(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    metric = serializers.CharField()
    reported = serializers.CharField(help_text=_("The reported value."))
    unit = serializers.CharField()
    registered = serializers.IntegerField(allow_null=True, help_text=_("What the registry holds."))
    ratio_percent = serializers.CharField(allow_null=True)
    note = serializers.CharField()


class DashboardSchema(serializers.Serializer):
    sections = SectionSchema(many=True)
    indicators = IndicatorRowSchema(many=True)


def figure_data(figure) -> dict:
    return {"label": figure.label, "count": figure.count, "amounts": [str(amount) for amount in figure.amounts]}


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


class DashboardView(ApiViewMixin, APIView):
    """The dashboard figures of the admin index, for the caller's scope and record kinds
    (amounts in 万元)."""

    kind = DASHBOARD

    @extend_schema(tags=[DASHBOARD], responses=DashboardSchema, summary=_("dashboard figures"))
    def get(self, request):
        context = dashboard_context(request.user)
        sections = [
            {
                "title": str(section["title"]),
                "breakdowns": [
                    {
                        "title": breakdown.title,
                        "total": figure_data(breakdown.total),
                        "parts": [figure_data(part) for part in breakdown.parts],
                        "amount_labels": list(breakdown.amount_labels),
                    }
                    for breakdown in section["breakdowns"]
                ],
            }
            for section in context["sections"]
        ]
        indicators = [
            {
                "id": row.indicator.pk,
                "subject": row.indicator.subject,
                "metric": row.indicator.metric,
                "reported": decimal_text(row.indicator.value),
                "unit": row.indicator.unit,
                "registered": row.registered,
                "ratio_percent": decimal_text(row.ratio),
                "note": str(row.note),
            }
            for row in context["indicators"]
        ]
        self.rows_returned = len(sections)
        return Response({"sections": sections, "indicators": indicators})


# -- schema and docs ------------------------------------------------------------------------------


class SchemaView(ApiViewMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, for staff and key holders."""


class DocsView(ApiViewMixin, SpectacularSwaggerSplitView):
    """Swagger UI served from the project (drf-spectacular-sidecar), for staff and key holders."""

    url_name = "api-schema"
