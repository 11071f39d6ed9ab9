"""Conventions shared by the domain admins: inline base, count columns, fieldsets, warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from registry.rules import academician_rule_warning

from .access import ScopedInlineMixin
from .base import RegistryAdmin

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts
    from django.utils.functional import _StrOrPromise as StrOrPromise

SOURCES_FIELDSET: tuple[StrOrPromise, _FieldOpts] = (_("Notes and sources"), {"fields": ("notes", "citations")})


def warn_about_academicians(request, talents):
    """Show the academician-rule warning for each of `talents` that breaks it."""
    for talent in talents:
        warning = academician_rule_warning(talent)
        if warning:
            messages.warning(request, warning)


def count_of(model, link: str, **filters):
    """A correlated subquery counting `model` rows whose `link` points at the listed record.

    Evaluated in the changelist's single SELECT, only for the rows of the page."""
    rows = (
        model.objects.filter(**{link: OuterRef("pk")}, **filters)
        .order_by()
        .values(link)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def count_column(attribute: str, description):
    """A changelist column showing (and sorting by) a count annotated as `attribute`."""

    @admin.display(description=description, ordering=attribute)
    def column(obj):
        return getattr(obj, attribute)

    column.__name__ = attribute
    return column


# The name of the base class before it was merged into RegistryAdmin (kept for work in progress).
DomainAdmin = RegistryAdmin


class DomainInline(ScopedInlineMixin, admin.TabularInline):
    """A record's parts edited on its page; empty rows are added with the button, not by default."""

    extra = 0
