"""Sources (articles, publications) and the citations records point to."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Citation, Source

from .base import RegistryAdmin
from .common import DomainInline, count_column, count_of


class CitationInline(DomainInline):
    model = Citation
    fields = ("excerpt", "location")


@admin.register(Source)
class SourceAdmin(RegistryAdmin):
    list_display = (
        "key",
        "title",
        "publication",
        "author",
        "published_on",
        count_column("citation_count", _("citations")),
    )
    list_filter = ("publication",)
    search_fields = ("key", "title", "publication", "author")
    date_hierarchy = "published_on"
    annotations = {"citation_count": count_of(Citation, "source")}
    inlines = (CitationInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("key", "title")}),
        (_("Publication"), {"fields": ("publication", "author", "published_on", "url")}),
        (_("Notes"), {"fields": ("notes",)}),
    )


@admin.register(Citation)
class CitationAdmin(RegistryAdmin):
    list_display = ("excerpt", "source", "location")
    list_filter = ("source__publication",)
    search_fields = ("excerpt", "location", "source__key", "source__title")
    list_select_related = ("source",)
    autocomplete_fields = ("source",)
    fields = ("source", "excerpt", "location")
