"""The statistical reports the bureau publishes: figures by district, development zone, industry
cluster and year, for all years or one. Each table is computed in the database and shown and
downloaded as is; on the page, a count links to the admin list of exactly those records where
that list can be filtered so."""

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

from .figures import M, can_view, changelist_url, scoped, wan_yuan

AMOUNTS = ("contract_amount", "transaction_amount")

Cell = str | int | Decimal
# Values per row key (a primary key, a year, None for "not filled in"), one per column of a measure.
ByKey = dict[Any, list[Cell]]
# A year chosen on the reports page (None: all years).
Year = int | None
MeasureValues = Callable[[Viewer, ModelType, Year], tuple[ByKey, list[Cell]]]
# The changelist URL behind a value (None: no admin list filters exactly those records).
Link = str | None
# The changelist filters of the records of one row key.
RowFilters = Callable[[Any], dict[str, object]]


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
    # The admin list behind each value (None: no list filters exactly those records), per row.
    links: list[list[Link]] = field(default_factory=list)
    total_links: list[Link] = field(default_factory=list)
    years: list[int] = field(default_factory=list)  # the by-year table: every year with records

    @property
    def linked_rows(self) -> list[tuple[Cell, list[tuple[Cell, Link]]]]:
        """(label, [(value, url)]) per body row, for the page."""
        return [(row[0], list(zip(row[1:], links))) for row, links in zip(self.rows, self.links)]

    @property
    def linked_total(self) -> tuple[Cell, list[tuple[Cell, Link]]]:
        return self.total[0], list(zip(self.total[1:], self.total_links))


@dataclass(frozen=True)
class Measure:
    """A column group: `values(user, dimension, year)` gives ({key: [values]}, [totals]) for its
    columns; `link` is the changelist filter of the records of a row key ("" for no date filter),
    for the first column only, or None when the admin list cannot be filtered so."""

    model: ModelType
    labels: tuple[str, ...]
    values: MeasureValues
    link: RowFilters | None = None


@dataclass(frozen=True)
class YearMeasure:
    """A column group of the year table: records of `model` (and amounts) by the year of `date_field`."""

    model: ModelType
    labels: tuple[str, ...]
    date_field: str
    amount_fields: tuple[str, ...] = ()


# The date that puts each kind of record in a year (the year selector and the by-year table).
DATED: dict[ModelType, str] = {
    Talent: "introduced_on",
    Commissioner: "term_start",
    Workstation: "filed_on",
    Platform: "opened_on",
    Qualification: "issued_on",
    TechContract: "signed_on",
}


def counted(user: Viewer, model: type[M], year: Year = None) -> QuerySet[M]:
    """The records of `model` the user may see; with a year, those dated in it (organizations are
    not dated and are always all counted)."""
    queryset = scoped(user, model)
    if year and model in DATED:
        queryset = queryset.filter(**{f"{DATED[model]}__year": year})
    return queryset


def _link(model: ModelType, path: str) -> RowFilters:
    """Changelist filters for the records of `model` whose `path` is a row key (None: not filled in)."""

    def filters(key: Any) -> dict[str, object]:
        return {f"{path}__isnull": "True"} if key is None else {f"{path}__id__exact": key}

    return filters


def _url(measure: Measure, key: Any, year: Year, total: bool = False) -> Link:
    if measure.link is None:
        return None
    filters: dict[str, object] = {} if total else measure.link(key)
    if year and measure.model in DATED:
        filters[f"{DATED[measure.model]}__year"] = year
    return changelist_url(measure.model, include_submitted=None, **filters)


def _measure_links(measures: Sequence[Measure], key: Any, year: Year, total: bool = False) -> list[Link]:
    """The URL of each value of a row: the first column of each measure links, the others do not."""
    links: list[Link] = []
    for measure in measures:
        links += [_url(measure, key, year, total)] + [None] * (len(measure.labels) - 1)
    return links


# Grouped counts -----------------------------------------------------------------------------------


def _group_count(model: ModelType, path: str, distinct: bool = False) -> MeasureValues:
    """Records of `model` per value of `path` (a foreign key or a year); total counted separately
    when `distinct` (a many-to-many path counts a record once per value)."""

    def values(user: Viewer, dimension: ModelType, year: Year) -> tuple[ByKey, list[Cell]]:
        qs = counted(user, model, year).order_by()
        rows = qs.annotate(key=F(path)).values("key").annotate(n=Count("pk", distinct=distinct))
        counts: dict[Any, int] = {row["key"]: row["n"] for row in rows}
        total = qs.count() if distinct else sum(counts.values())
        return {key: [n] for key, n in counts.items()}, [total]

    return values


def _contracts_by_seller(org_field: str) -> MeasureValues:
    """Contracts whose sellers (技术输出方) lie in each entry, with amounts in 万元; a contract with
    sellers in two districts counts in both, once in the total."""

    def values(user: Viewer, dimension: ModelType, year: Year) -> tuple[ByKey, list[Cell]]:
        through = TechContract.sellers.through
        sold_here = through.objects.filter(**{f"organization__{org_field}": OuterRef(OuterRef("pk"))})
        contracts = counted(user, TechContract, year).filter(pk__in=sold_here.values("techcontract_id")).order_by()
        annotations = {
            "n": _scalar(contracts, Func(F("pk"), function="COUNT")),
            **{name: _scalar(contracts, Func(F(name), function="SUM")) for name in AMOUNTS},
        }
        rows = dimension._default_manager.order_by().annotate(**annotations).values("pk", "n", *AMOUNTS)
        by_key: ByKey = {row["pk"]: [row["n"] or 0, *(wan_yuan(row[name]) for name in AMOUNTS)] for row in rows}
        unplaced = counted(user, TechContract, year).exclude(
            pk__in=through.objects.filter(**{f"organization__{org_field}__isnull": False}).values("techcontract_id")
        )
        by_key[None] = _contract_totals(unplaced)
        return by_key, _contract_totals(counted(user, TechContract, year))

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
    # The talent and qualification lists filter by district only; contracts not by their sellers' place.
    by_district = org_field == "division"
    talents, qualifications = f"employer__{org_field}", f"organization__{org_field}"
    measures = [
        Measure(
            Organization, (_("organizations"),), _group_count(Organization, org_field), _link(Organization, org_field)
        ),
        Measure(
            Talent,
            (_("talents (by employer)"),),
            _group_count(Talent, talents),
            _link(Talent, talents) if by_district else None,
        ),
        Measure(
            Qualification,
            (_("enterprise qualifications"),),
            _group_count(Qualification, qualifications),
            _link(Qualification, qualifications) if by_district else None,
        ),
        Measure(TechContract, _contract_labels(), _contracts_by_seller(org_field)),
    ]
    if by_district:
        served = _group_count(Commissioner, "service_divisions", distinct=True)
        measures.append(
            Measure(
                Commissioner,
                (_("commissioners (districts served)"),),
                served,
                _link(Commissioner, "service_divisions"),
            )
        )
    return measures


def place_table(
    user: Viewer, slug: str, title: str, dimension: ModelType, org_field: str, label: str, year: Year = None
) -> Table:
    """One row per entry of `dimension` (plus records with none), one column group per measure."""
    measures = [m for m in _place_measures(org_field) if can_view(user, m.model)]
    results = [m.values(user, dimension, year) for m in measures]
    header = [label] + [text for m in measures for text in m.labels]
    table = Table(slug, title, header, models=[m.model for m in measures])
    for pk, name, always_listed in _dimension_entries(dimension):
        values = _row(results, measures, pk)
        if always_listed or any(values):
            table.rows.append([name, *values])
            table.links.append(_measure_links(measures, pk, year))
    unplaced = _row(results, measures, None)
    if any(unplaced):
        table.rows.append([_("not filled in"), *unplaced])
        table.links.append(_measure_links(measures, None, year))
    table.total = [_("total"), *[value for by_key, totals in results for value in totals]]
    table.total_links = _measure_links(measures, None, year, total=True)
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


def year_table(user: Viewer, year: Year = None) -> Table:
    """One row per year in which anything happened, oldest first, plus undated records and totals;
    with a year, that year's row only (and its totals)."""
    measures = [m for m in _year_measures() if can_view(user, m.model)]
    results = [_by_year(user, m.model, m.date_field, m.amount_fields) for m in measures]
    header = [_("year")] + [text for m in measures for text in m.labels]
    table = Table("by-year", _("By year"), header, models=[m.model for m in measures])
    years = sorted({y for by_year in results for y in by_year if y is not None})
    table.years = years
    pairs: list[tuple[ByKey, None]] = [(by_year, None) for by_year in results]
    for row_year in [year] if year else years:
        table.rows.append([row_year, *_row(pairs, measures, row_year)])
        table.links.append(_year_links(measures, row_year))
    undated = _row(pairs, measures, None)
    if any(undated) and not year:
        table.rows.append([_("no date"), *undated])
        table.links.append(_year_links(measures, None))
    columns: list[tuple[Any, ...]] = list(zip(*(row[1:] for row in table.rows))) or [(0,)] * (len(header) - 1)
    table.total = [_("total"), *[sum(column) for column in columns]]
    table.total_links = _year_links(measures, year, total=not year)
    table.note = _(
        "Each record counts in the year of its own date: introduced, term start, filed, opened, issued, signed."
    )
    return table


def _year_links(measures: Sequence[YearMeasure], year: Year, total: bool = False) -> list[Link]:
    links: list[Link] = []
    for measure in measures:
        filters: dict[str, object]
        if total:
            filters = {}
        elif year is None:
            filters = {f"{measure.date_field}__isnull": "True"}
        else:
            filters = {f"{measure.date_field}__year": year}
        links += [changelist_url(measure.model, include_submitted=None, **filters)] + [None] * (len(measure.labels) - 1)
    return links


REPORTS: dict[str, Callable[[Viewer, Year], Table]] = {
    "by-district": lambda user, year: place_table(
        user, "by-district", _("By district"), Division, "division", _("division"), year
    ),
    "by-zone": lambda user, year: place_table(
        user, "by-zone", _("By development zone"), DevelopmentZone, "zone", _("development zone"), year
    ),
    "by-cluster": lambda user, year: place_table(
        user, "by-cluster", _("By industry cluster"), IndustryCluster, "cluster", _("industry cluster"), year
    ),
    "by-year": year_table,
}


def report_tables(user: Viewer, year: Year = None) -> list[Table]:
    """Every report the user may see (a table needs at least one column the user may view)."""
    tables = [build(user, year) for build in REPORTS.values()]
    return [table for table in tables if len(table.header) > 1]
