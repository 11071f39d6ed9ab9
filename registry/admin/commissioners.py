"""Commissioners (科技特派员), workstations, teams, annual assessments and service records."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry.merging import field_label
from registry.models import (
    AssessmentScheme,
    AssessmentSchemePart,
    Commissioner,
    CommissionerAssessment,
    CommissionerTeam,
    ServiceRecord,
    Workstation,
    WorkstationMember,
)

from .assessment import AssessmentPagesMixin, SchemePartInline
from .base import RegistryAdmin
from .common import SOURCES_FIELDSET, DomainInline, count_column, count_of, warn_about_academicians

# What __str__ of a commissioner follows: the person or the legal-person unit.
COMMISSIONER_JOINS = ("commissioner__talent", "commissioner__organization")


class WorkstationMemberInline(DomainInline):
    model = WorkstationMember
    fields = ("talent", "role", "joined_on", "left_on")
    autocomplete_fields = ("talent",)


class CommissionerAssessmentInline(DomainInline):
    model = CommissionerAssessment
    fields = ("year", "grade", "comment")


@admin.register(Workstation)
class WorkstationAdmin(RegistryAdmin):
    list_display = (
        "name",
        "kind",
        "host",
        "filing_level",
        "filed_on",
        count_column("member_count", _("members")),
    )
    list_filter = ("kind", "filing_level", "host__division")
    search_fields = ("name", "host__name", "host__aliases__name")
    date_hierarchy = "filed_on"
    list_select_related = ("host",)
    autocomplete_fields = ("host", "citations")
    annotations = {"member_count": count_of(WorkstationMember, "workstation", left_on__isnull=True)}
    inlines = (WorkstationMemberInline, CommissionerAssessmentInline)
    fieldsets = (
        (None, {"fields": ("name", "kind", "host")}),
        (_("Filing"), {"fields": ("filing_level", "filed_on", "honours")}),
        SOURCES_FIELDSET,
    )

    def save_related(self, request, form, formsets, change):
        # Members are saved with the inline, so the rule is checked once they are all in place.
        super().save_related(request, form, formsets, change)
        warn_about_academicians(request, form.instance.members.exclude(academy=""))


@admin.register(WorkstationMember)
class WorkstationMemberAdmin(RegistryAdmin):
    list_display = ("workstation", "talent", "role", "joined_on", "left_on")
    list_filter = ("role", "workstation__kind")
    search_fields = ("workstation__name", "talent__name")
    list_select_related = ("workstation", "talent")
    autocomplete_fields = ("workstation", "talent")
    fields = ("workstation", "talent", "role", ("joined_on", "left_on"))

    def save_model(self, request, obj, form, change):
        # The academician rule is a warning: the membership is saved, the user is told.
        super().save_model(request, obj, form, change)
        warn_about_academicians(request, [obj.talent])


@admin.register(CommissionerTeam)
class CommissionerTeamAdmin(RegistryAdmin):
    list_display = (
        "name",
        "leader",
        "service_area",
        count_column("member_count", _("members")),
        count_column("commissioner_count", _("commissioners")),
    )
    list_filter = ("divisions",)
    search_fields = ("name", "leader__name", "service_area")
    list_select_related = ("leader",)
    autocomplete_fields = ("leader", "members", "divisions", "citations")
    annotations = {
        "member_count": count_of(CommissionerTeam.members.through, "commissionerteam"),
        "commissioner_count": count_of(Commissioner, "team"),
    }
    inlines = (CommissionerAssessmentInline,)
    fieldsets = (
        (None, {"fields": ("name", "leader", "members")}),
        (_("Service area"), {"fields": ("service_area", "divisions")}),
        SOURCES_FIELDSET,
    )


@admin.register(Commissioner)
class CommissionerAdmin(RegistryAdmin):
    list_display = (
        "__str__",
        "kind",
        "dispatching_unit",
        "workstation",
        "team",
        "service_field",
        "term_start",
        "term_end",
        "status",
    )
    list_filter = ("kind", "status", "service_divisions", "assessments__grade", "assessments__year")
    search_fields = (
        "talent__name",
        "organization__name",
        "organization__credit_code",
        "dispatching_unit__name",
        "service_field",
        "service_places",
    )
    date_hierarchy = "term_start"
    list_select_related = ("talent", "organization", "dispatching_unit", "workstation", "team")
    autocomplete_fields = (
        "talent",
        "organization",
        "dispatching_unit",
        "workstation",
        "team",
        "service_divisions",
        "citations",
    )
    inlines = (CommissionerAssessmentInline,)
    fieldsets = (
        (
            _("Commissioner"),
            {
                "fields": ("kind", "talent", "organization", "status"),
                "description": _("A person for every kind except legal-person commissioners, which are organizations."),
            },
        ),
        (_("Assignment"), {"fields": ("dispatching_unit", "workstation", "team", ("term_start", "term_end"))}),
        (_("Service"), {"fields": ("service_field", "service_divisions", "service_places")}),
        SOURCES_FIELDSET,
    )


class AssessedFilter(admin.SimpleListFilter):
    """Assessments of commissioners, of teams or of workstations."""

    title = _("assessed")
    parameter_name = "assessed"

    def lookups(self, request, model_admin):
        return [(name, field_label(CommissionerAssessment, name)) for name in ASSESSED]

    def queryset(self, request, queryset):
        if self.value() in ASSESSED:
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


ASSESSED = CommissionerAssessment.ASSESSED_FIELDS


@admin.register(CommissionerAssessment)
class CommissionerAssessmentAdmin(AssessmentPagesMixin, RegistryAdmin):
    list_display = ("assessed", "year", "score", "proposed_grade", "grade", "comment", "confirmation")
    list_filter = ("year", "grade", "proposed_grade", AssessedFilter, "commissioner__kind", "workstation__kind")
    search_fields = (
        "commissioner__talent__name",
        "commissioner__organization__name",
        "team__name",
        "workstation__name",
        "comment",
    )
    list_select_related = ("commissioner__talent", "commissioner__organization", "team", "workstation")
    autocomplete_fields = ("commissioner", "team", "workstation")
    readonly_fields = (
        "scheme",
        "score",
        "proposed_grade",
        "score_breakdown",
        "generated_by",
        "generated_at",
        "confirmed_by",
        "confirmed_at",
    )
    fieldsets = (
        (
            _("Assessed"),
            {
                "fields": ("commissioner", "team", "workstation"),
                "description": _("Exactly one: a commissioner, a commissioner team or a workstation."),
            },
        ),
        (None, {"fields": ("year", "grade", "override_reason", "comment")}),
        (
            _("Generated from the scheme"),
            {"fields": ("scheme", "score", "proposed_grade", "score_breakdown", ("generated_by", "generated_at"))},
        ),
        (_("Confirmation"), {"fields": (("confirmed_by", "confirmed_at"),)}),
    )

    @admin.display(description=_("assessed"))
    def assessed(self, obj):
        return obj.assessed

    @admin.display(description=_("score breakdown"))
    def score_breakdown(self, obj):
        return "; ".join(f"{part['name']} {part['points']}/{part['weight']}" for part in obj.breakdown or [])


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(RegistryAdmin):
    list_display = ("year", "excellent_min", "good_min", "pass_min")
    list_filter = ("year",)
    search_fields = ("year__exact", "parts__name", "notes")  # a year is searched whole (2024)
    inlines = (SchemePartInline,)
    fieldsets = (
        (None, {"fields": ("year",)}),
        (_("Grade thresholds"), {"fields": (("excellent_min", "good_min", "pass_min"),)}),
        (None, {"fields": ("notes",)}),
    )


@admin.register(AssessmentSchemePart)
class AssessmentSchemePartAdmin(RegistryAdmin):
    list_display = ("scheme", "name", "measure", "target", "weight")
    list_filter = ("scheme", "measure")
    search_fields = ("name",)
    list_select_related = ("scheme",)
    autocomplete_fields = ("scheme",)
    fields = ("scheme", "name", "measure", "target", "weight")


@admin.register(ServiceRecord)
class ServiceRecordAdmin(RegistryAdmin):
    list_display = (
        "title",
        "kind",
        "commissioner",
        "workstation",
        "team",
        "started_on",
        "place",
        "people_trained",
        "enterprises_served",
    )
    list_filter = ("kind", "evaluation", "commissioner__kind", "workstation__kind")
    search_fields = ("title", "place", "outcomes", "commissioner__talent__name", "workstation__name", "team__name")
    date_hierarchy = "started_on"
    list_select_related = (*COMMISSIONER_JOINS, "workstation", "team")
    autocomplete_fields = ("commissioner", "workstation", "team", "served_organizations", "citations")
    fieldsets = (
        (None, {"fields": ("title", "kind")}),
        (
            _("Provided by"),
            {
                "fields": ("commissioner", "workstation", "team"),
                "description": _("At least one of commissioner, workstation or team."),
            },
        ),
        (_("When and where"), {"fields": (("started_on", "ended_on"), "place", "served_organizations")}),
        (
            _("Figures reported"),
            {
                "fields": (
                    ("people_trained", "sessions"),
                    ("varieties_introduced", "techniques_introduced"),
                    ("problems_solved", "enterprises_served"),
                    "outcomes",
                ),
            },
        ),
        (_("Evaluation by the served party"), {"fields": ("evaluation", "evaluation_note")}),
        SOURCES_FIELDSET,
    )
