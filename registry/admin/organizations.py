"""Organizations (单位), their other names and their qualifications (企业资质)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry import validity
from registry.duplicates import organization_duplicates
from registry.models import AnnualReport, Organization, OrganizationAlias, Qualification

from .base import RegistryAdmin
from .common import SOURCES_FIELDSET, DomainInline, count_column, count_of
from .merging import MergeMixin

VALID_UNTIL_HELP = _(
    "Leave “valid until” empty to fill it in from the issue date and the kind's validity "
    "(high-tech enterprises: three years)."
)
REVOCATION_HELP = _("A revoked qualification has the date and the reason of its revocation.")


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = validity.PARAMETER

    def lookups(self, request, model_admin):
        return [(validity.IN_FORCE, _("in force (valid or expiring)")), *validity.State.choices]

    def queryset(self, request, queryset):
        condition = validity.condition(self.value() or "", validity.today())
        return queryset if condition is None else queryset.filter(condition)


class ValidityMixin:
    """The day's validity of each qualification, annotated once per request (the date moves)."""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(validity=validity.expression(validity.today()))  # type: ignore[misc]

    @admin.display(description=_("validity"), ordering="validity")
    def validity_display(self, obj):
        return validity.label(obj.validity_on())


class OrganizationAliasInline(DomainInline):
    model = OrganizationAlias
    fields = ("name", "note")


class QualificationInline(ValidityMixin, DomainInline):
    model = Qualification
    fields = ("kind", "number", "issued_on", "valid_until", "validity_display", "revoked_on", "revocation_reason")
    readonly_fields = ("validity_display",)
    autocomplete_fields = ("kind",)


@admin.register(Organization)
class OrganizationAdmin(MergeMixin, RegistryAdmin):
    list_display = (
        "name",
        "kind",
        "credit_code",
        "division",
        "zone",
        "cluster",
        count_column("qualification_count", _("qualifications")),
    )
    list_filter = ("kind", "division", "zone", "cluster")
    search_fields = ("name", "aliases__name", "credit_code")
    list_select_related = ("division", "zone", "cluster")
    autocomplete_fields = ("division", "zone", "cluster", "citations")
    annotations = {"qualification_count": count_of(Qualification, "organization")}
    inlines = (OrganizationAliasInline, QualificationInline)
    merge_columns = ("credit_code", "kind", "division", "zone")
    find_duplicates = staticmethod(organization_duplicates)
    fieldsets = (
        (None, {"fields": ("name", "kind", "credit_code")}),
        (_("Location and industry"), {"fields": ("division", "zone", "cluster")}),
        SOURCES_FIELDSET,
    )


@admin.register(OrganizationAlias)
class OrganizationAliasAdmin(RegistryAdmin):
    list_display = ("name", "organization", "note")
    search_fields = ("name", "organization__name", "note")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    fields = ("organization", "name", "note")


@admin.register(Qualification)
class QualificationAdmin(ValidityMixin, RegistryAdmin):
    list_display = ("organization", "kind", "number", "issued_on", "valid_until", "validity_display")
    list_filter = ("kind", ValidityFilter, "organization__division")
    search_fields = ("organization__name", "organization__aliases__name", "organization__credit_code", "number")
    date_hierarchy = "issued_on"
    list_select_related = ("organization", "kind")
    autocomplete_fields = ("organization", "kind", "citations")
    readonly_fields = ("validity_display",)
    fieldsets = (
        (None, {"fields": ("organization", "kind", "number")}),
        (
            _("Validity"),
            {"fields": ("issued_on", "valid_until", "validity_display"), "description": VALID_UNTIL_HELP},
        ),
        (_("Revocation"), {"fields": ("revoked_on", "revocation_reason"), "description": REVOCATION_HELP}),
        SOURCES_FIELDSET,
    )


@admin.register(AnnualReport)
class AnnualReportAdmin(RegistryAdmin):
    list_display = ("qualification", "year", "filed_on", "note")
    list_filter = ("year", "qualification__kind", "qualification__organization__division")
    search_fields = ("qualification__organization__name", "qualification__number", "note")
    list_select_related = ("qualification__organization", "qualification__kind")
    autocomplete_fields = ("qualification",)
    fields = ("qualification", "year", "filed_on", "note")
