"""Suspected duplicates (疑似重复) for reviewers to look at and merge.

- Organizations with the same unified social credit code written differently (lower case, spaces,
  full-width characters), or whose names are one character apart (金字保灵 / 金宇保灵: one character
  replaced, added or left out).
- Talents with the same name and birth date, or with identity numbers that are the same number written
  differently (spaces, lower-case x, full width, the old 15-digit form).

Each finder takes a queryset (the reviewer's scope) and reads it with a bounded number of queries,
never comparing every record with every other: codes and numbers are first narrowed to those not
written the one way (a cheap filter), whose standard forms are then looked up by the unique index; names
one character apart are found by the database as names sharing a "name minus one character" key (a few
rows per name, grouped by hash); talents by grouping on name and birth date. At most LIMIT groups are
returned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import Count, Max
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from registry.validators import canonical_credit_code, canonical_id_number

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str

LIMIT = 200
CANONICAL_CREDIT_CODE = r"^[0-9A-Z]{18}$"
CANONICAL_ID_NUMBER = r"^[0-9]{17}[0-9X]$"

SAME_CREDIT_CODE = _("same credit code, written differently")
NAMES_ONE_APART = _("names one character apart")
SAME_NAME_AND_BIRTH_DATE = _("same name and birth date")
SAME_ID_NUMBER = _("same identity number, written differently")


@dataclass(frozen=True)
class DuplicateGroup:
    """Records that may be one and the same, and why they were put together (a lazy translation)."""

    reason: StrOrPromise
    pks: tuple[Any, ...]


def organization_duplicates(queryset, limit=LIMIT) -> list[DuplicateGroup]:
    same_code = same_standard_form(queryset, "credit_code", CANONICAL_CREDIT_CODE, canonical_credit_code)
    groups = [DuplicateGroup(SAME_CREDIT_CODE, pks) for pks in same_code]
    if len(groups) < limit:
        groups += [DuplicateGroup(NAMES_ONE_APART, pks) for pks in names_one_apart(queryset, limit - len(groups))]
    return groups[:limit]


def talent_duplicates(queryset, limit=LIMIT) -> list[DuplicateGroup]:
    same_number = same_standard_form(queryset, "id_number", CANONICAL_ID_NUMBER, canonical_id_number)
    groups = [DuplicateGroup(SAME_ID_NUMBER, pks) for pks in same_number]
    if len(groups) < limit:
        groups += [DuplicateGroup(SAME_NAME_AND_BIRTH_DATE, pks) for pks in same_name_and_birth_date(queryset, limit)]
    return groups[:limit]


def same_standard_form(queryset, name: str, pattern: str, standard) -> list[tuple]:
    """Groups of records whose `name` values differ as written but agree once written the one way.

    Only values not matching `pattern` (the standard way) can be a differently written copy; their
    standard forms are looked up by the column's unique index."""
    odd = queryset.exclude(**{f"{name}__isnull": True}).exclude(**{f"{name}__regex": pattern})
    by_form = defaultdict(set)
    for pk, value in odd.values_list("pk", name).order_by():
        form = standard(value)
        if form:
            by_form[form].add(pk)
    forms = list(by_form)
    for start in range(0, len(forms), 2000):
        chunk = forms[start : start + 2000]
        for pk, value in queryset.filter(**{f"{name}__in": chunk}).values_list("pk", name).order_by():
            by_form[value].add(pk)
    return [tuple(sorted(pks)) for pks in by_form.values() if len(pks) > 1]


def same_name_and_birth_date(queryset, limit) -> list[tuple]:
    keys = list(
        queryset.filter(birth_date__isnull=False)
        .values("name", "birth_date")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by("name", "birth_date")
        .values_list("name", "birth_date")[:limit]
    )
    if not keys:
        return []
    groups = defaultdict(list)
    names = {name for name, _day in keys}
    wanted = set(keys)
    rows = queryset.filter(name__in=names, birth_date__isnull=False).values_list("pk", "name", "birth_date")
    for pk, name, day in rows.order_by("pk"):
        if (name, day) in wanted:
            groups[(name, day)].append(pk)
    return [tuple(groups[key]) for key in keys if len(groups[key]) > 1]


# The names of the queryset, each with every "name minus the character at position p" key. Two names
# one character replaced apart share a (p, key); a name one character shorter equals another's key.
NAMES_ONE_APART_SQL = """
WITH RECURSIVE positions(p) AS (
    SELECT 1 UNION ALL SELECT p + 1 FROM positions WHERE p < %s
),
names(pk, name) AS ({names}),
keys(pk, p, rest) AS (
    SELECT names.pk, positions.p, SUBSTR(names.name, 1, positions.p - 1) || SUBSTR(names.name, positions.p + 1)
    FROM names JOIN positions ON positions.p <= LENGTH(names.name)
)
SELECT a.pk, b.pk FROM keys a JOIN keys b ON a.p = b.p AND a.rest = b.rest AND a.pk < b.pk
UNION
SELECT names.pk, keys.pk FROM names JOIN keys ON keys.rest = names.name
ORDER BY 1, 2
LIMIT %s
"""


def names_one_apart(queryset, limit) -> list[tuple]:
    """Groups of records whose names are one character apart (pairs joined into groups)."""
    names = queryset.values_list("pk", "name").order_by()
    longest = names.aggregate(longest=Max(Length("name")))["longest"]
    if not longest:
        return []
    names_sql, params = names.query.sql_with_params()
    # The queryset's own SQL inside a fixed text; every value is a bound parameter.
    sql = NAMES_ONE_APART_SQL.format(names=names_sql)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [longest, *params, limit * 10])
        pairs = cursor.fetchall()
    return joined_groups(pairs)[:limit]


def joined_groups(pairs) -> list[tuple]:
    """Pairs of pks joined into groups (a record paired with two others is one group of three)."""
    parent: dict = {}

    def root(pk):
        while parent.setdefault(pk, pk) != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups = defaultdict(list)
    for pk in parent:
        groups[root(pk)].append(pk)
    return sorted((tuple(sorted(pks)) for pks in groups.values()), key=lambda pks: pks[0])
