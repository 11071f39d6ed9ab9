"""Projects and cooperations (揭榜挂帅, landing, co-building, R&D, training, ...) with partners and targets."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry.models import Project, ProjectPartner, ProjectTarget

from .base import RegistryAdmin
from .common import PLAIN_NUMBERS, SOURCES_FIELDSET, DomainInline, count_column, count_of, plain_number_column


class ProjectPartnerInline(DomainInline):
    model = ProjectPartner
    fields = ("role", "organization", "talent")
    autocomplete_fields = ("organization", "talent")


class ProjectTargetInline(DomainInline):
    model = ProjectTarget
    fields = ("kind", "metric", "qualifier", "value", "unit")
    formfield_overrides = PLAIN_NUMBERS


@admin.register(Project)
class ProjectAdmin(RegistryAdmin):
    list_display = (
        "title",
        "kind",
        "field",
        "problem_owner",
        "platform",
        "started_on",
        "status",
        count_column("partner_count", _("partners")),
    )
    list_filter = ("kind", "status", "problem_owner__division")
    search_fields = (
        "title",
        "field",
        "problem_owner__name",
        "platform__name",
        "partners__organization__name",
        "partners__talent__name",
    )
    date_hierarchy = "started_on"
    list_select_related = ("problem_owner", "platform")
    autocomplete_fields = ("problem_owner", "platform", "citations")
    annotations = {"partner_count": count_of(ProjectPartner, "project")}
    inlines = (ProjectPartnerInline, ProjectTargetInline)
    fieldsets = (
        (None, {"fields": ("title", "kind", "field", "status")}),
        (_("Owner, platform and start"), {"fields": ("problem_owner", "platform", "started_on")}),
        SOURCES_FIELDSET,
    )


@admin.register(ProjectPartner)
class ProjectPartnerAdmin(RegistryAdmin):
    list_display = ("project", "role", "organization", "talent")
    list_filter = ("role", "project__kind")
    search_fields = ("project__title", "organization__name", "talent__name")
    list_select_related = ("project", "organization", "talent")
    autocomplete_fields = ("project", "organization", "talent")
    fields = ("project", "role", "organization", "talent")


@admin.register(ProjectTarget)
class ProjectTargetAdmin(RegistryAdmin):
    list_display = ("project", "kind", "metric", "qualifier", plain_number_column("value", _("value")), "unit")
    formfield_overrides = PLAIN_NUMBERS
    list_filter = ("kind", "project__kind")
    search_fields = ("project__title", "metric")
    list_select_related = ("project",)
    autocomplete_fields = ("project",)
    fields = ("project", "kind", "metric", "qualifier", "value", "unit")
