"""Query parameters of the list endpoints: the filters, free-text search, and refusing the rest.

Filters narrow what the caller's scope already allows (the scoped queryset comes first), so no
filter can reach another district's records: `district` is the district rule of registry/access.py
applied once more. Free-text search uses the model admin's own search (same fields, the same
index-backed conditions on PostgreSQL, personal fields only for callers allowed to see them).
A parameter the endpoint does not know, or a value it cannot read, is a 400 naming both.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework.filters import BaseFilterBackend

from registry import access, review
from registry.admin.performance import search_terms
from registry.importing.columns import Column, in_chinese
from registry.models import DevelopmentZone, Division
from registry.models.lookups import Lookup

from .errors import BadParameter

# Parameters every list endpoint reads elsewhere (pagination, ordering, renderer choice).
GENERAL_PARAMETERS = ("cursor", "page_size", "ordering", "format")
YEAR_RANGE = (1900, 2100)
# Each search term is a condition per search field: bound them so one call cannot build a huge query.
MAX_SEARCH_LENGTH = 100
MAX_SEARCH_TERMS = 5


@dataclass(frozen=True)
class Parameter:
    """A query parameter as the schema describes it."""

    name: str
    description: str
    type: str = "string"

    def schema(self) -> dict:
        return {
            "name": self.name,
            "required": False,
            "in": "query",
            "description": self.description,
            "schema": {"type": self.type},
        }


def parameters(resource) -> list[Parameter]:
    """The filter parameters `resource` offers."""
    found = [Parameter("search", _("Free text, as in the admin's search box."))]
    if resource.model_name in access.DISTRICT_PATHS:
        found += [
            Parameter("district", _("Records of a division (旗县区): its id or six-digit code.")),
            Parameter("zone", _("Records of a development zone: its id."), "integer"),
        ]
    if resource.year_field:
        label = resource.model._meta.get_field(resource.year_field).verbose_name
        found.append(Parameter("year", _("Year of “%(field)s”.") % {"field": label}, "integer"))
    if resource.kind_field:
        label = resource.model._meta.get_field(resource.kind_field).verbose_name
        found.append(Parameter("kind", _("“%(field)s”: a code or the Chinese label.") % {"field": label}))
    since = _("Records changed at or after this time (ISO 8601, e.g. 2025-01-31T08:00:00+08:00).")
    found.append(Parameter("updated_since", since))
    if any(review.is_reviewed(model) for model in (resource.model, *(part.model for part in resource.parts))):
        states = _("Review states, comma-separated, or “all” (default: approved only; needs a key that may read them).")
        found.append(Parameter("review_status", states))
    return found


def refuse_unknown(request, resource) -> None:
    known = {*GENERAL_PARAMETERS, *(p.name for p in parameters(resource))}
    for name in request.query_params:
        if name not in known:
            raise BadParameter(
                _("Unknown parameter “%(name)s”; this endpoint reads: %(known)s.")
                % {"name": name, "known": ", ".join(sorted(known))},
                parameter=name,
            )


def single(request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadParameter(_("Parameter “%(name)s” is given more than once.") % {"name": name}, parameter=name)
    return values[0].strip()


def invalid(name: str, value: str, expected) -> BadParameter:
    return BadParameter(
        _("Parameter “%(name)s” has an invalid value “%(value)s”: %(expected)s.")
        % {"name": name, "value": value[:100], "expected": expected},
        parameter=name,
    )


def district_of(name: str, value: str):
    """The Districts a `district` or `zone` parameter names (400 when no such division or zone)."""
    model = Division if name == "district" else DevelopmentZone
    if not value.isdigit():
        raise invalid(name, value, _("a number"))
    found = None
    if model is Division and len(value) == 6:
        found = Division.objects.filter(code=value).values_list("pk", flat=True).first()
    if found is None and len(value) < 12:
        found = model.objects.filter(pk=int(value)).values_list("pk", flat=True).first()
    if found is None:
        raise invalid(name, value, _("no such %(model)s") % {"model": model._meta.verbose_name})
    if model is Division:
        return access.Districts(frozenset({found}), frozenset())
    return access.Districts(frozenset(), frozenset({found}))


def year_condition(resource, value: str) -> models.Q:
    if not value.isdigit() or not YEAR_RANGE[0] <= int(value) <= YEAR_RANGE[1]:
        raise invalid("year", value, _("a year such as 2024"))
    field = resource.model._meta.get_field(resource.year_field)
    lookup = "__year" if isinstance(field, models.DateField) else ""
    return models.Q(**{f"{resource.year_field}{lookup}": int(value)})


def kind_condition(resource, value: str) -> models.Q:
    field = resource.model._meta.get_field(resource.kind_field)
    if field.choices:
        column = Column(field=field)
        code = column.choice_lookup.get(value.lower())
        if code is None:
            codes = "、".join(f"{code}（{in_chinese(label)}）" for code, label in field.choices if code)
            raise invalid("kind", value, _("one of %(codes)s") % {"codes": codes})
        return models.Q(**{field.name: code})
    target = field.related_model
    if issubclass(target, Lookup):
        condition = models.Q(name=value)
        if value.isdigit() and len(value) < 12:
            condition |= models.Q(pk=int(value))
        pk = target.objects.filter(condition).values_list("pk", flat=True).first()
        if pk is None:
            raise invalid("kind", value, _("the id or name of a %(model)s") % {"model": target._meta.verbose_name})
        return models.Q(**{field.name: pk})
    raise invalid("kind", value, _("not a filter of this endpoint"))


def since_condition(value: str) -> models.Q:
    # A "+" of an unencoded UTC offset arrives as a space.
    text = value.replace(" ", "+") if "T" in value else value
    moment = parse_datetime(text) if "T" in text else None
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise invalid("updated_since", value, _("a date or time in ISO 8601, e.g. 2025-01-31T08:00:00+08:00"))
        moment = datetime.datetime.combine(day, datetime.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return models.Q(updated_at__gte=moment)


class RecordFilter(BaseFilterBackend):
    """district, zone, year, kind and updated_since, on top of the caller's scoped queryset."""

    def filter_queryset(self, request, queryset, view):
        resource = view.resource
        refuse_unknown(request, resource)
        for name in ("district", "zone"):
            value = single(request, name)
            if value is not None:
                queryset = access.records_in(queryset, district_of(name, value))
        conditions = {
            "year": lambda value: year_condition(resource, value),
            "kind": lambda value: kind_condition(resource, value),
            "updated_since": since_condition,
        }
        for name, condition in conditions.items():
            value = single(request, name)
            if value is not None:
                queryset = queryset.filter(condition(value))
        return queryset

    def get_schema_operation_parameters(self, view):
        return [p.schema() for p in parameters(view.resource) if p.name != "search"]


class RecordSearch(BaseFilterBackend):
    """`search`: the model admin's search (its fields, its PostgreSQL index-backed conditions)."""

    def filter_queryset(self, request, queryset, view):
        term = single(request, "search")
        if not term:
            return queryset
        if len(term) > MAX_SEARCH_LENGTH or len(search_terms(term)) > MAX_SEARCH_TERMS:
            limits = {"length": MAX_SEARCH_LENGTH, "terms": MAX_SEARCH_TERMS}
            message = _("A search is at most %(length)d characters and %(terms)d words.") % limits
            raise BadParameter(message, parameter="search")
        model_admin = admin.site._registry.get(queryset.model)
        if model_admin is None:
            raise BadParameter(_("This endpoint has no free-text search."), parameter="search")
        # The admin reads request.user (masking rules) and nothing else of the request.
        queryset, may_have_duplicates = model_admin.get_search_results(request, queryset, term)
        return queryset.distinct() if may_have_duplicates else queryset

    def get_schema_operation_parameters(self, view):
        return [p.schema() for p in parameters(view.resource) if p.name == "search"]
