"""Conventions shared by the domain admins: inline base, count and amount columns, fieldsets, warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from registry import numbers, review
from registry.rules import academician_rule_warning

from .access import ScopedInlineMixin

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts
    from django.utils.functional import _StrOrPromise as StrOrPromise

SOURCES_FIELDSET: tuple[StrOrPromise, _FieldOpts] = (_("Notes and sources"), {"fields": ("notes", "citations")})
# formfield_overrides of four-decimal figures: boxes without trailing zeros (15, not 15.0000).
PLAIN_NUMBERS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.DecimalField: {"widget": numbers.PlainNumberInput}
}


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


def amount_column(model, field_name: str):
    """A changelist column showing an amount stored in yuan in 万元 (sorted by the stored amount)."""
    model_field = model._meta.get_field(field_name)

    @admin.display(description=model_field.wan_label, ordering=field_name)
    def column(obj):
        return numbers.wan_text(getattr(obj, field_name))

    column.__name__ = f"{field_name}_in_wan"
    return column


def plain_number_column(field_name: str, description):
    """A changelist column showing a four-decimal figure without trailing zeros (15, not 15.0000)."""

    @admin.display(description=description, ordering=field_name)
    def column(obj):
        return numbers.plain(getattr(obj, field_name))

    column.__name__ = f"{field_name}_plain"
    return column


class DomainInline(ScopedInlineMixin, admin.TabularInline):
    """A record's parts edited on its page; empty rows are added with the button, not by default."""

    extra = 0

    def __init__(self, parent_model, admin_site):
        super().__init__(parent_model, admin_site)
        self.show_change_link = self.show_change_link or review.is_reviewed(self.model)

    # A reviewed record listed on another's page (qualifications on their organization's) has its own
    # state and buttons on its own page: existing rows are read-only here, with a link there.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not review.is_reviewed(self.model)
