"""Talents (人才), with a filter for academicians breaking the workstation rule."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry import districts
from registry.access import hidden_fields
from registry.duplicates import talent_duplicates
from registry.models import Talent
from registry.rules import academicians_over_limit, active_academician_workstations

from .base import RegistryAdmin
from .common import SOURCES_FIELDSET, count_column, warn_about_academicians
from .merging import MergeMixin


class AcademicianRuleFilter(admin.SimpleListFilter):
    title = _("academician workstation rule")
    parameter_name = "academician_rule"

    def lookups(self, request, model_admin):
        return (("over", _("in too many academician workstations")),)

    def queryset(self, request, queryset):
        if self.value() == "over":
            return academicians_over_limit(queryset)
        return queryset


@admin.register(Talent)
class TalentAdmin(MergeMixin, RegistryAdmin):
    list_display = (
        "name",
        "gender",
        "employer",
        "title",
        "tier",
        "academy",
        "is_retired",
        "introduction_mode",
        "introduced_on",
        count_column("academician_workstations", _("academician workstations")),
    )
    estimate_scoped_count = True  # a district clerk's unfiltered list: the planner's estimate
    # and a clerk of several districts gets their index ranges merged
    scoped_pages = districts.PageKeys(tuple(Talent._meta.ordering or ()), districts.talent_page_keys)
    list_filter = (
        AcademicianRuleFilter,
        "tier",
        "academy",
        "is_retired",
        "introduction_mode",
        "degree",
        "title_level",
        "employer__division",
        "introduced_on",
    )
    # Only index-backed searches and sorts: the list must stay fast at a million talents
    # (docs/scaling.md); no date_hierarchy, whose year list scans the whole table.
    search_fields = ("name", "employer__name", "employer__aliases__name")
    sortable_by = ("name", "introduced_on")
    list_select_related = ("employer", "tier")
    autocomplete_fields = ("employer", "tier", "citations")
    annotations = {"academician_workstations": active_academician_workstations()}
    merge_columns = ("employer", "birth_date", "id_number", "title")
    find_duplicates = staticmethod(talent_duplicates)
    fieldsets = (
        (_("Identity"), {"fields": ("name", "gender", "birth_date", "id_type", "id_number", "nationality")}),
        (
            _("Education and work"),
            {
                "fields": (
                    "degree",
                    ("title", "title_level"),
                    "employer",
                    "position",
                    "research_fields",
                    "previous_affiliation",
                ),
            },
        ),
        (
            _("Talent status"),
            {
                "fields": (
                    "tier",
                    ("academy", "is_retired"),
                    ("introduction_mode", "introduced_on", "agreement_ends_on"),
                    "honours",
                ),
            },
        ),
        (_("Contact"), {"fields": ("phone", "email")}),
        SOURCES_FIELDSET,
    )

    def save_model(self, request, obj, form, change):
        # Becoming an academician or no longer retired can break the workstation rule.
        super().save_model(request, obj, form, change)
        warn_about_academicians(request, [obj])

    def get_search_fields(self, request):
        # Finding a person by identity number or phone is only for users who may see them.
        # Exact values only: the unique and phone B-tree indexes serve `__exact` (not `=`, i.e. iexact).
        personal = [
            f"{name}__exact" for name in ("id_number", "phone") if name not in hidden_fields(request.user, Talent)
        ]
        return (*self.search_fields, *personal)
