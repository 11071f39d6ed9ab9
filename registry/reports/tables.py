"""The statistical reports the bureau publishes: figures by district, development zone, industry
cluster and year. Each table is computed in the database and shown and downloaded as is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Expression, F, Func, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from registry.access import ModelType, Viewer
from registry.models import (
    Commissioner,
    DevelopmentZone,
    Division,
    IndustryCluster,
    Organization,
    Platform,
    Qualification,
    Talent,
    TechContract,
    Workstation,
)

from .figures import can_view, scoped, wan_yuan

AMOUNTS = ("contract_amount", "transaction_amount")

Cell = str | int | Decimal
# Values per row key (a primary key, a year, None for "not filled in"), one per column of a measure.
ByKey = dict[Any, list[Cell]]
MeasureValues = Callable[[Viewer, ModelType], tuple[ByKey, list[Cell]]]


@dataclass
class Table:
    """A report table: a header row, body rows and a total row; the first column names the row."""

    slug: str
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    total: list[Cell] = field(default_factory=list)
    note: str = ""
    models: list[ModelType] = field(default_factory=list)  # the record models the columns count


@dataclass(frozen=True)
class Measure:
    """A column group: `values(user, dimension)` gives ({key: [values]}, [totals]) for its columns."""

    model: ModelType
    labels: tuple[str, ...]
    values: MeasureValues


@dataclass(frozen=True)
class YearMeasure:
    """A column group of the year table: records of `model` (and amounts) by the year of `date_field`."""

    model: ModelType
    labels: tuple[str, ...]
    date_field: str
    amount_fields: tuple[str, ...] = ()


# Grouped counts -----------------------------------------------------------------------------------


def _group_count(model: ModelType, path: str, distinct: bool = False) -> MeasureValues:
    """Records of `model` per value of `path` (a foreign key or a year); total counted separately
    when `distinct` (a many-to-many path counts a record once per value)."""

    def values(user: Viewer, dimension: ModelType) -> tuple[ByKey, list[Cell]]:
        qs = scoped(user, model).order_by()
        rows = qs.annotate(key=F(path)).values("key").annotate(n=Count("pk", distinct=distinct))
        counts: dict[Any, int] = {row["key"]: row["n"] for row in rows}
        total = qs.count() if distinct else sum(counts.values())
        return {key: [n] for key, n in counts.items()}, [total]

    return values


def _contracts_by_seller(org_field: str) -> MeasureValues:
    """Contracts whose sellers (技术输出方) lie in each entry, with amounts in 万元; a contract with
    sellers in two districts counts in both, once in the total."""

    def values(user: Viewer, dimension: ModelType) -> tuple[ByKey, list[Cell]]:
        through = TechContract.sellers.through
        sold_here = through.objects.filter(**{f"organization__{org_field}": OuterRef(OuterRef("pk"))})
        contracts = scoped(user, TechContract).filter(pk__in=sold_here.values("techcontract_id")).order_by()
        annotations = {
            "n": _scalar(contracts, Func(F("pk"), function="COUNT")),
            **{name: _scalar(contracts, Func(F(name), function="SUM")) for name in AMOUNTS},
        }
        rows = dimension._default_manager.order_by().annotate(**annotations).values("pk", "n", *AMOUNTS)
        by_key: ByKey = {row["pk"]: [row["n"] or 0, *(wan_yuan(row[name]) for name in AMOUNTS)] for row in rows}
        unplaced = scoped(user, TechContract).exclude(
            pk__in=through.objects.filter(**{f"organization__{org_field}__isnull": False}).values("techcontract_id")
        )
        by_key[None] = _contract_totals(unplaced)
        return by_key, _contract_totals(scoped(user, TechContract))

    return values


def _scalar(queryset: QuerySet[Any], expression: Expression) -> Subquery:
    # An aggregate without GROUP BY inside a correlated subquery: one value per outer row.
    return Subquery(queryset.annotate(v=expression).values("v")[:1])


def _contract_totals(queryset: QuerySet[TechContract]) -> list[Cell]:
    totals = queryset.aggregate(n=Count("pk"), **{name: Sum(name) for name in AMOUNTS})
    return [totals["n"], *(wan_yuan(totals[name]) for name in AMOUNTS)]


def _contract_labels() -> tuple[str, ...]:
    return (_("contracts (sellers)"), _("contract amount (10k yuan)"), _("transaction amount (10k yuan)"))


def _place_measures(org_field: str) -> list[Measure]:
    """Columns of a table by a place of organizations (division, zone or cluster)."""
    measures = [
        Measure(Organization, (_("organizations"),), _group_count(Organization, org_field)),
        Measure(Talent, (_("talents (by employer)"),), _group_count(Talent, f"employer__{org_field}")),
        Measure(
            Qualification, (_("enterprise qualifications"),), _group_count(Qualification, f"organization__{org_field}")
        ),
        Measure(TechContract, _contract_labels(), _contracts_by_seller(org_field)),
    ]
    if org_field == "division":
        served = _group_count(Commissioner, "service_divisions", distinct=True)
        measures.append(Measure(Commissioner, (_("commissioners (districts served)"),), served))
    return measures


def place_table(user: Viewer, slug: str, title: str, dimension: ModelType, org_field: str, label: str) -> Table:
    """One row per entry of `dimension` (plus records with none), one column group per measure."""
    measures = [m for m in _place_measures(org_field) if can_view(user, m.model)]
    results = [m.values(user, dimension) for m in measures]
    header = [label] + [text for m in measures for text in m.labels]
    table = Table(slug, title, header, models=[m.model for m in measures])
    for pk, name, always_listed in _dimension_entries(dimension):
        values = _row(results, measures, pk)
        if always_listed or any(values):
            table.rows.append([name, *values])
    unplaced = _row(results, measures, None)
    if any(unplaced):
        table.rows.append([_("not filled in"), *unplaced])
    table.total = [_("total"), *[value for by_key, totals in results for value in totals]]
    table.note = _("A contract or commissioner linked to several places counts in each; the total counts it once.")
    return table


def _row(results: Sequence[tuple[ByKey, object]], measures: Sequence[Measure | YearMeasure], key: Any) -> list[Cell]:
    """The values of every measure for one row key; zeros where a measure has no records there."""
    row: list[Cell] = []
    for (by_key, _totals), measure in zip(results, measures):
        row += by_key.get(key, [0] * len(measure.labels))
    return row


def _dimension_entries(dimension: ModelType) -> list[tuple[int, str, bool]]:
    """(pk, name, listed even when empty): Hohhot's own divisions and the zones and clusters in use."""
    flag = "in_hohhot" if dimension is Division else "is_active"
    return list(dimension._default_manager.values_list("pk", "name", flag))


# By year ----------------------------------------------------------------------------------------------


def _year_measures() -> list[YearMeasure]:
    return [
        YearMeasure(Talent, (_("talents introduced"),), "introduced_on"),
        YearMeasure(Commissioner, (_("commissioner terms started"),), "term_start"),
        YearMeasure(Workstation, (_("workstations filed"),), "filed_on"),
        YearMeasure(Platform, (_("platforms opened"),), "opened_on"),
        YearMeasure(Qualification, (_("qualifications issued"),), "issued_on"),
        YearMeasure(TechContract, (_("contracts signed"), *_contract_labels()[1:]), "signed_on", AMOUNTS),
    ]


def _by_year(user: Viewer, model: ModelType, date_field: str, amount_fields: tuple[str, ...]) -> ByKey:
    """{year: [count, amounts in 万元...]} of records dated in each year (None: no date)."""
    rows = (
        scoped(user, model)
        .order_by()
        .annotate(year=ExtractYear(date_field))
        .values("year")
        .annotate(n=Count("pk"), **{name: Sum(name) for name in amount_fields})
    )
    return {row["year"]: [row["n"], *(wan_yuan(row[name]) for name in amount_fields)] for row in rows}


def year_table(user: Viewer) -> Table:
    """One row per year in which anything happened, oldest first, plus undated records and totals."""
    measures = [m for m in _year_measures() if can_view(user, m.model)]
    results = [_by_year(user, m.model, m.date_field, m.amount_fields) for m in measures]
    header = [_("year")] + [text for m in measures for text in m.labels]
    table = Table("by-year", _("By year"), header, models=[m.model for m in measures])
    years = sorted({year for by_year in results for year in by_year if year is not None})
    pairs: list[tuple[ByKey, None]] = [(by_year, None) for by_year in results]
    for year in years:
        table.rows.append([year, *_row(pairs, measures, year)])
    undated = _row(pairs, measures, None)
    if any(undated):
        table.rows.append([_("no date"), *undated])
    columns: list[tuple[Any, ...]] = list(zip(*(row[1:] for row in table.rows))) or [(0,)] * (len(header) - 1)
    table.total = [_("total"), *[sum(column) for column in columns]]
    table.note = _(
        "Each record counts in the year of its own date: introduced, term start, filed, opened, issued, signed."
    )
    return table


REPORTS: dict[str, Callable[[Viewer], Table]] = {
    "by-district": lambda user: place_table(user, "by-district", _("By district"), Division, "division", _("division")),
    "by-zone": lambda user: place_table(
        user, "by-zone", _("By development zone"), DevelopmentZone, "zone", _("development zone")
    ),
    "by-cluster": lambda user: place_table(
        user, "by-cluster", _("By industry cluster"), IndustryCluster, "cluster", _("industry cluster")
    ),
    "by-year": year_table,
}


def report_tables(user: Viewer) -> list[Table]:
    """Every report the user may see (a table needs at least one column the user may view)."""
    tables = [build(user) for build in REPORTS.values()]
    return [table for table in tables if len(table.header) > 1]
