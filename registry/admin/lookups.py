"""Lookup tables staff edit: divisions, zones, clusters, talent tiers, qualification and contract kinds."""

from typing import ClassVar

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry.models import (
    ContractType,
    DevelopmentZone,
    Division,
    IndustryCluster,
    QualificationKind,
    TalentTier,
)

from .base import RegistryAdmin

ENTRY_FIELDS = ("name", "description", ("sort_order", "is_active"))


class LookupAdmin(RegistryAdmin):
    list_display: tuple[str, ...] = ("name", "sort_order", "is_active")
    list_filter: ClassVar[tuple[str, ...]] = ("is_active",)
    search_fields: ClassVar[tuple[str, ...]] = ("name", "description")


@admin.register(Division)
class DivisionAdmin(LookupAdmin):
    list_display = ("code", "name", "kind", "in_hohhot", "is_active")
    list_filter = ("kind", "in_hohhot", "is_active")
    search_fields = ("code", "name")
    fieldsets = ((None, {"fields": ("code", "kind", "in_hohhot", *ENTRY_FIELDS)}),)


@admin.register(DevelopmentZone)
class DevelopmentZoneAdmin(LookupAdmin):
    list_display = ("name", "level", "division", "is_active")
    list_filter = ("level", "is_active")
    list_select_related = ("division",)
    autocomplete_fields = ("division",)
    fieldsets = ((None, {"fields": ("level", "division", *ENTRY_FIELDS)}),)


@admin.register(IndustryCluster)
class IndustryClusterAdmin(LookupAdmin):
    list_display = ("name", "valid_from", "valid_until", "sort_order", "is_active")
    fieldsets = (
        (None, {"fields": ENTRY_FIELDS}),
        (_("Validity"), {"fields": (("valid_from", "valid_until"),)}),
    )


@admin.register(TalentTier)
class TalentTierAdmin(LookupAdmin):
    list_display = ("name", "scheme", "sort_order", "is_active")
    list_filter = ("scheme", "is_active")
    search_fields = ("name", "scheme", "description")
    fieldsets = ((None, {"fields": ("scheme", *ENTRY_FIELDS)}),)


@admin.register(QualificationKind)
class QualificationKindAdmin(LookupAdmin):
    list_display = ("name", "validity_years", "valid_for_calendar_year", "annual_report", "sort_order", "is_active")
    fieldsets = ((None, {"fields": ("validity_years", "valid_for_calendar_year", "annual_report", *ENTRY_FIELDS)}),)


@admin.register(ContractType)
class ContractTypeAdmin(LookupAdmin):
    list_display = ("name", "parent", "sort_order", "is_active")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    fieldsets = ((None, {"fields": ("parent", *ENTRY_FIELDS)}),)
