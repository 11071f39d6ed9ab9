"""Indicators (统计指标): figures reported by the sources."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry.models import Indicator

from .base import RegistryAdmin
from .common import PLAIN_NUMBERS, SOURCES_FIELDSET, plain_number_column


@admin.register(Indicator)
class IndicatorAdmin(RegistryAdmin):
    list_display = (
        "subject",
        "metric",
        "qualifier",
        plain_number_column("value", _("value")),
        "unit",
        "as_of_year",
        "scope",
        "source",
        "computed_as",
    )
    list_filter = ("as_of_year", "qualifier", "computed_as", "source__publication")
    search_fields = ("subject", "metric", "scope", "computed_as", "source__key", "source__title")
    list_select_related = ("source",)
    formfield_overrides = PLAIN_NUMBERS
    autocomplete_fields = ("source", "organization", "platform", "citations")
    fieldsets = (
        (None, {"fields": ("subject", "metric", ("qualifier", "value", "unit"))}),
        (_("As of and scope"), {"fields": (("as_of_year", "as_of_date"), "scope")}),
        (_("Source and links"), {"fields": ("source", "computed_as", "organization", "platform")}),
        SOURCES_FIELDSET,
    )
