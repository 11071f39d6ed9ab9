"""Admin changelist performance at scale (estimated counts, index-friendly search).

Django admin's defaults that slow down with a million rows, and what this mixin does instead:

* COUNT(*) on every list page. An unfiltered changelist on PostgreSQL takes the planner's row
  estimate instead (pg_class, scaled to the table's current size, as the planner does); filtered,
  searched or small lists still count exactly. SQLite always counts exactly.
* Substring search without an index. Django's `icontains` over several fields, some behind joins,
  is one OR that no index can serve. On PostgreSQL each term becomes an OR of conditions that each
  have an index (migration 0006), so PostgreSQL combines them with a BitmapOr: the model's own
  columns directly, fields behind a relation as `pk = ANY(ARRAY(sub-select))` that starts from the
  related table's index. Terms of three characters or more use the pg_trgm GIN index on
  UPPER(column); shorter terms (two-character Chinese names) the GIN index on
  `registry_short_grams(UPPER(column))`, the column's 1- and 2-character substrings. The rows found
  are the same as with Django's own search.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.contrib.admin import helpers
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import connections, models
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import Subquery
from django.db.models.functions import Upper
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext

from registry import access

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    from registry.districts import PageKeys

    AdminBase = ModelAdmin[Any]  # what the mixin is mixed into
else:
    AdminBase = object

# Django's own message (translated by Django's catalogue; a variable, so makemessages leaves it there).
ACTION_CHECKBOX_LABEL = "Select this object for an action - {}"
# Below this many rows an exact COUNT(*) is cheap, and an estimate would look wrong to staff.
ESTIMATE_MIN_ROWS = 10_000
# pg_trgm extracts no trigram from a shorter pattern; such terms use the short-grams index.
TRIGRAM_MIN_LENGTH = 3
# The SQL function behind the short-grams indexes (created by migration 0006 on PostgreSQL).
SHORT_GRAMS_FUNCTION = "registry_short_grams"

ESTIMATE_SQL = """
    SELECT CASE WHEN c.reltuples < 0 OR c.relpages = 0 THEN -1
           ELSE c.reltuples / c.relpages
                * (pg_relation_size(c.oid) / current_setting('block_size')::int) END
    FROM pg_class c WHERE c.oid = %s::regclass
"""


def is_unfiltered(queryset) -> bool:
    """True when the queryset selects every row of its table (no WHERE, DISTINCT, set operation)."""
    query = queryset.query
    return not query.where and not query.distinct and not query.combinator and not query.is_sliced


def estimated_count(queryset) -> int | None:
    """The planner's row estimate for an unfiltered queryset on PostgreSQL, else None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or not is_unfiltered(queryset):
        return None
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(ESTIMATE_SQL, [table])
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < 0:
        return None  # never analysed: no estimate yet
    return int(row[0])


def pk_sql(queryset) -> tuple[str, tuple]:
    """The SQL selecting the keys of `queryset`'s rows, order aside (EmptyResultSet for .none())."""
    return queryset.order_by().values("pk").query.sql_with_params()


def planned_rows(queryset) -> int | None:
    """The planner's estimate of how many rows `queryset` selects (EXPLAIN), on PostgreSQL only."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = pk_sql(queryset)
    except EmptyResultSet:
        return None
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def selects_same_rows(queryset, other) -> bool:
    """Whether two querysets of a model have the same conditions (their order aside)."""
    if queryset.model is not other.model or queryset.db != other.db:
        return False
    try:
        return pk_sql(queryset) == pk_sql(other)
    except EmptyResultSet:  # .none(): a scope without districts; counted (as nothing) without a query
        return False


class EstimatedCountPaginator(Paginator):
    """Exact counts, except for big PostgreSQL lists without filters or search, where the estimate
    is used: the table's size when nothing limits the rows, the planner's estimate when only the
    user's district scope does (`scope_only`, set by the admin); deep pages are found through
    their primary keys first."""

    scope_only = False
    estimated = False  # whether `count` is an estimate (the page says 约)
    # (bottom, top) -> the keys of those rows, when the stored districts find them (set by the
    # admin for a district clerk's list in its default order: districts.PageKeys; None: not needed).
    page_keys: Callable[[int, int], list[int] | None] | None = None

    @cached_property
    def count(self):
        estimate = estimated_count(self.object_list)
        if estimate is None and self.scope_only:
            estimate = planned_rows(self.object_list)
        if estimate is not None and estimate >= ESTIMATE_MIN_ROWS:
            self.estimated = True
            return estimate
        return super().count

    # Same bounds as Django's; only the page's rows are looked up differently.
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self.page_keys(bottom, top) if self.page_keys is not None else None
        return Page(page_rows(self.object_list, bottom, top, keys), number, self)


def page_rows(queryset, bottom: int, top: int, keys: list[int] | None = None):
    """Rows bottom..top of an ordered queryset. Past the first page, OFFSET skips rows one by one and
    Django joins every skipped row to its select_related tables; skipping primary keys in a sub-select
    (an index-only scan for the default order) and joining only the page's rows is much cheaper.
    `keys`: the page's primary keys, when already found elsewhere (EstimatedCountPaginator.page_keys)."""
    if keys is not None:
        return queryset.filter(pk__in=keys)
    if bottom == 0 or not queryset.ordered:
        return queryset[bottom:top]
    return queryset.filter(pk__in=Subquery(queryset.values("pk")[bottom:top]))


class ShortGrams(models.Func):
    """`registry_short_grams(UPPER(column))`: the 1- and 2-character substrings, as indexed."""

    function = SHORT_GRAMS_FUNCTION

    def __init__(self, path):
        from django.contrib.postgres.fields import ArrayField  # PostgreSQL only

        super().__init__(Upper(path), output_field=ArrayField(models.TextField()))


TEXT_LOOKUPS = {"exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"}


def search_lookup(field_name: str) -> tuple[str, str]:
    """(path, lookup) for a search_fields entry, read as Django reads it (prefix, explicit lookup)."""
    prefixes = {"^": "istartswith", "=": "iexact", "@": "search"}
    if field_name[:1] in prefixes:
        return field_name[1:], prefixes[field_name[0]]
    path, _, last = field_name.rpartition("__")
    if path and last in TEXT_LOOKUPS:
        return path, last
    return field_name, "icontains"


class EqualsAnyOf(models.Lookup):
    """`lhs = ANY(ARRAY(sub-select))`: inside an OR an index serves it, unlike `IN (sub-select)`."""

    lookup_name = "equals_any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def is_local_field(model, path: str) -> bool:
    try:
        field = model._meta.get_field(path)
    except FieldDoesNotExist:
        return False
    return field.concrete and not field.is_relation


def text_condition(model, path: str, lookup: str, term: str):
    """`path` matches `term`, on `model`'s own column, in the form its index serves."""
    if lookup == "icontains" and len(term) < TRIGRAM_MIN_LENGTH:
        # Every 1- or 2-character substring is an element of the short-grams array.
        grams = ShortGrams(path)
        contains = grams.output_field.get_lookup("contains")
        if contains is None:
            raise LookupError("the short-grams array has no contains lookup")
        return contains(grams, [term.upper()])
    return models.Q(**{f"{path}__{lookup}": term})


def field_condition(model, path: str, lookup: str, term: str):
    """Rows of `model` whose search field `path` matches `term`, as an index-backed condition.

    A column of the model is tested directly; a path through a relation becomes the model's primary
    keys found by a sub-select that starts from the related table's own index.
    """
    if is_local_field(model, path):
        return text_condition(model, path, lookup, term)
    rows = model._default_manager.order_by()
    if lookup == "icontains" and len(term) < TRIGRAM_MIN_LENGTH:
        # The short-grams condition must be written on the related model's own column.
        head, _, column = path.rpartition(LOOKUP_SEP)
        target = related_model(model, head)
        matches = target._default_manager.order_by().filter(text_condition(target, column, lookup, term))
        rows = rows.filter(**{f"{head}__in": matches})
    else:
        rows = rows.filter(**{f"{path}__{lookup}": term})
    return EqualsAnyOf(models.F("pk"), Subquery(rows.values("pk")))


def related_model(model, path: str):
    """The model at the end of a relation path (employer__division -> Division)."""
    for part in path.split(LOOKUP_SEP):
        model = model._meta.get_field(part).related_model
    return model


def as_q(condition) -> models.Q:
    return condition if isinstance(condition, models.Q) else models.Q(condition)


def search_terms(search_term: str) -> list[str]:
    """The terms of a search box entry, split and unquoted as Django's admin does."""
    terms = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            terms.append(bit)
    return terms


class FastChangelistMixin(AdminBase):
    """Estimated counts for big unfiltered lists and index-backed search on PostgreSQL."""

    paginator = EstimatedCountPaginator
    # Lists whose district scope is kept on the record (registry/districts.py), so the planner's
    # estimate of a district's rows is close: set on the big ones.
    estimate_scoped_count = False
    # How the stored districts' indexes give a district clerk's pages in the list's default order
    # (districts.PageKeys): where the scope is not on the record itself (contracts), or is but a
    # clerk of several districts would walk the whole sorted index (talents).
    scoped_pages: PageKeys | None = None

    # A list limited only by the user's district scope (no filter, no search) may be estimated
    # like an unfiltered one (an exact count of a district's share of a big table is a scan), and
    # its pages found in the stored districts' index (OFFSET over a sorted district is a sort).
    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        found = access.user_districts(request.user)
        if found is None or not isinstance(paginator, EstimatedCountPaginator):
            return paginator
        if self.estimate_scoped_count and connections[queryset.db].vendor == "postgresql":
            paginator.scope_only = selects_same_rows(queryset, self.get_queryset(request))
        pages = self.scoped_pages
        if (
            pages is not None
            and tuple(queryset.query.order_by) == pages.order
            and selects_same_rows(queryset, access.records_in(queryset.model._default_manager.all(), found))
        ):
            paginator.page_keys = functools.partial(pages.keys, found)
        return paginator

    # Django's markup, written directly: rendering a form widget template for each row's checkbox
    # took about a third of a list page's time.
    def action_checkbox(self, obj):
        label = gettext(ACTION_CHECKBOX_LABEL).format(escape(str(obj)))
        return mark_safe(  # noqa: S308 - the values are escaped, the label is Django's translation
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" value="{escape(str(obj.pk))}"'
            f' class="action-select" aria-label="{label}">'
        )

    # Replaces Django's single OR over all search fields (no index can serve it) on PostgreSQL.
    def get_search_results(self, request, queryset, search_term):
        search_fields = self.get_search_fields(request)
        if not (search_term and search_fields) or connections[queryset.db].vendor != "postgresql":
            return super().get_search_results(request, queryset, search_term)
        model = queryset.model
        lookups = [search_lookup(str(field)) for field in search_fields]
        for term in search_terms(search_term):
            conditions = [field_condition(model, path, lookup, term) for path, lookup in lookups]
            queryset = queryset.filter(reduce(operator.or_, (as_q(c) for c in conditions)))
        # Relations are searched in sub-selects of primary keys: no joined rows, no duplicates.
        return queryset, False
