"""The dashboard on the admin index: key counts of the registry with their breakdowns.

Each breakdown is one GROUP BY query (plus, for lookup tables, one query for the small list of
names), so the dashboard costs the same number of queries with ten records or ten million.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Expression, Field, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registry import review, validity
from registry.access import ModelType, Viewer
from registry.models import (
    Commissioner,
    CommissionerTeam,
    ContractType,
    Platform,
    Project,
    Qualification,
    QualificationKind,
    ServiceRecord,
    Talent,
    TalentTier,
    TechContract,
    TechnologyBroker,
    TransferAgency,
    Workstation,
)

from .charts import column_chart
from .figures import Breakdown, Figure, can_view, changelist_url, scoped, wan_yuan
from .indicators import indicator_comparison

CONTRACT_AMOUNTS = ("contract_amount", "transaction_amount")
CACHE_SECONDS = 120

# One row of a GROUP BY (group values, "n" and amount sums) and the sums of several rows.
Row = dict[str, Any]
Section = Callable[[Viewer], list[Breakdown]]


class Counts:
    """One GROUP BY over several fields of a model; each field's breakdown is summed from its rows.

    The rows are bounded by the number of choices and lookup entries (a few hundred at most), so
    one scan of a million talents serves both "by tier" and "by introduction mode".
    """

    def __init__(
        self,
        user: Viewer,
        model: ModelType,
        groups: Mapping[str, Expression | None],
        amount_fields: tuple[str, ...] = (),
    ) -> None:
        self.model, self.amount_fields = model, amount_fields
        expressions = {name: expression for name, expression in groups.items() if expression is not None}
        self.rows = list(
            scoped(user, model)
            .order_by()
            .annotate(**expressions)
            .values(*groups)
            .annotate(n=Count("*"), **{name: Sum(name) for name in amount_fields})
        )

    def by(self, group: str) -> dict[Any, Row]:
        """{value of `group`: {"n": count, amount field: raw sum}}."""
        result: dict[Any, Row] = {}
        for row in self.rows:
            self._add(result.setdefault(row[group], {}), row)
        return result

    def total(self) -> Row:
        return self._add({}, *self.rows)

    def _add(self, target: Row, *rows: Row) -> Row:
        for row in rows:
            for name in ("n", *self.amount_fields):
                target[name] = target.get(name, 0) + (row[name] or 0)
        return target

    def figure(self, label: object, row: Row | None, url: str) -> Figure:
        row = row or {}
        amounts = tuple(wan_yuan(row.get(name)) for name in self.amount_fields)
        return Figure(str(label), row.get("n", 0), url, amounts)

    def breakdown(self, title: str | Promise, parts: list[Figure]) -> Breakdown:
        total = self.figure(title, self.total(), changelist_url(self.model))
        return Breakdown(str(title), total, parts, _amount_labels(self.amount_fields))

    def not_filled(self, rows: dict[Any, Row], url_filter: dict[str, str]) -> list[Figure]:
        """The records whose group is empty, when there are any (they count in the total too)."""
        row = rows.get(None) or rows.get("")
        return (
            [self.figure(_("not filled in"), row, changelist_url(self.model, include_submitted=None, **url_filter))]
            if row
            else []
        )


def choice_breakdown(counts: Counts, field_name: str, title: str | Promise) -> Breakdown:
    """Counts per choice of a field with choices (every choice shown, zero included)."""
    rows = counts.by(field_name)
    model = counts.model
    field = model._meta.get_field(field_name)
    choices = field.flatchoices if isinstance(field, Field) else []
    parts = [
        counts.figure(label, rows.get(value), changelist_url(model, **{f"{field_name}__exact": value}))
        for value, label in choices
        if value != ""
    ]
    parts += counts.not_filled(rows, {f"{field_name}__exact": ""})
    return counts.breakdown(title, parts)


def lookup_breakdown(counts: Counts, fk_name: str, lookup_model: ModelType, title: str | Promise) -> Breakdown:
    """Counts (and amounts) per entry of a lookup table, in the table's own order."""
    rows = counts.by(fk_name)
    parts = [
        counts.figure(name, rows.get(pk), changelist_url(counts.model, **{f"{fk_name}__id__exact": pk}))
        # Every entry of the (short) lookup table is listed: a zero shows what is missing.
        for pk, name in lookup_model._default_manager.values_list("pk", "name")
    ]
    parts += counts.not_filled(rows, {f"{fk_name}__isnull": "True"})
    return counts.breakdown(title, parts)


def year_breakdown(counts: Counts, date_field: str, title: str | Promise) -> Breakdown:
    """Counts (and amounts) per calendar year of a date field, oldest first (grouped as "year")."""
    rows = counts.by("year")
    parts = [
        counts.figure(year, rows[year], changelist_url(counts.model, **{f"{date_field}__year": year}))
        for year in sorted(year for year in rows if year is not None)
    ]
    breakdown = counts.breakdown(title, parts + counts.not_filled(rows, {f"{date_field}__isnull": "True"}))
    # A time series reads best as columns in time order, under the table.
    breakdown.chart = column_chart([(part.label, part.count) for part in parts])
    return breakdown


def _amount_labels(amount_fields: tuple[str, ...]) -> tuple[str, ...]:
    labels = {
        "contract_amount": _("contract amount (10k yuan)"),
        "transaction_amount": _("transaction amount (10k yuan)"),
    }
    return tuple(labels[name] for name in amount_fields)


def talents(user: Viewer) -> list[Breakdown]:
    counts = Counts(user, Talent, {"tier": None, "introduction_mode": None})
    return [
        lookup_breakdown(counts, "tier", TalentTier, _("Talents by tier")),
        choice_breakdown(counts, "introduction_mode", _("Talents by introduction mode")),
    ]


def contracts(user: Viewer) -> list[Breakdown]:
    groups: dict[str, Expression | None] = {"contract_type": None, "year": ExtractYear("signed_on")}
    counts = Counts(user, TechContract, groups, CONTRACT_AMOUNTS)
    return [
        lookup_breakdown(counts, "contract_type", ContractType, _("Contracts by type")),
        year_breakdown(counts, "signed_on", _("Contracts by year signed")),
    ]


def by_choices(model: ModelType, *fields_and_titles: tuple[str, str | Promise]) -> Section:
    """A section of breakdowns by choice fields of one model, from one GROUP BY."""

    def build(user: Viewer) -> list[Breakdown]:
        counts = Counts(user, model, {name: None for name, _title in fields_and_titles})
        return [choice_breakdown(counts, name, title) for name, title in fields_and_titles]

    return build


def qualifications(user: Viewer) -> list[Breakdown]:
    counts = Counts(user, Qualification, {"kind": None, "validity": validity.expression(validity.today())})
    return [
        lookup_breakdown(counts, "kind", QualificationKind, _("Qualifications by kind")),
        validity_breakdown(counts),
    ]


def validity_breakdown(counts: Counts) -> Breakdown:
    """Qualifications per state on the day (有效 / 即将到期 / 已过期 / 已撤销), each linked to the filtered list."""
    rows = counts.by("validity")
    parts = [
        counts.figure(
            label, rows.get(value), changelist_url(counts.model, include_submitted=None, **{validity.PARAMETER: value})
        )
        for value, label in validity.State.choices
    ]
    return counts.breakdown(_("Qualifications by validity"), parts)


def teams(user: Viewer) -> list[Breakdown]:
    title = _("Commissioner teams")
    return [
        Breakdown(
            str(title), Figure(str(title), scoped(user, CommissionerTeam).count(), changelist_url(CommissionerTeam))
        )
    ]


def _sections() -> list[tuple[ModelType, str, Section]]:
    """(model, title, builder) of each dashboard section; a builder takes the user."""
    return [
        (Talent, _("Talents"), talents),
        (Commissioner, _("S&T commissioners"), by_choices(Commissioner, ("kind", _("Commissioners by kind")))),
        (Workstation, _("Workstations"), by_choices(Workstation, ("kind", _("Workstations by kind")))),
        (CommissionerTeam, _("Commissioner teams"), teams),
        (ServiceRecord, _("Service records"), by_choices(ServiceRecord, ("kind", _("Service records by kind")))),
        (TechnologyBroker, _("Technology brokers"), by_choices(TechnologyBroker, ("level", _("Brokers by level")))),
        (
            TransferAgency,
            _("Technology-transfer agencies"),
            by_choices(TransferAgency, ("level", _("Agencies by level"))),
        ),
        (TechContract, _("Technology contracts"), contracts),
        (
            Platform,
            _("Innovation platforms"),
            by_choices(Platform, ("level", _("Platforms by level")), ("kind", _("Platforms by kind"))),
        ),
        (
            Project,
            _("Projects"),
            by_choices(Project, ("kind", _("Projects by kind")), ("status", _("Projects by status"))),
        ),
        (Qualification, _("Enterprise qualifications"), qualifications),
    ]


def dashboard_context(user: Viewer, include_submitted: bool = False) -> dict[str, Any]:
    """Everything the admin index shows above the app list, limited to what the user may view.

    Approved records count; with `include_submitted` (the switch 含待审核) submitted ones too. The
    reported-vs-registered comparison always uses approved records."""
    with review.counting(include_submitted):
        sections = [
            {"title": title, "breakdowns": build(user)} for model, title, build in _sections() if can_view(user, model)
        ]
    return {"sections": sections, "indicators": indicator_comparison(user), "include_submitted": include_submitted}


def cached_dashboard(user: Viewer, refresh: bool = False, include_submitted: bool = False) -> dict[str, Any]:
    """The dashboard of `user`, computed at most every CACHE_SECONDS (or now, when asked to refresh).

    Staff open the index after nearly every save; the figures of a million records need not be
    recounted each time. Keyed by user (permissions and district scope), language (labels), the
    switch 含待审核, and the review generation: an approval shows at once.
    """
    key = f"registry:dashboard:{user.pk}:{get_language()}:{int(include_submitted)}:{review.generation()}"
    context = None if refresh else cache.get(key)
    if context is None:
        context = {
            **dashboard_context(user, include_submitted),
            "computed_at": timezone.now(),
            "cache_seconds": CACHE_SECONDS,
        }
        cache.set(key, context, CACHE_SECONDS)
    return context
