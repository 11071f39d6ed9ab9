"""The dashboard on the admin index: key counts of the registry with their breakdowns.

Each breakdown is one GROUP BY query (plus, for lookup tables, one query for the small list of
names), so the dashboard costs the same number of queries with ten records or ten million.
"""

from __future__ import annotations

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from registry.models import (
    Commissioner,
    CommissionerTeam,
    ContractType,
    Platform,
    Project,
    Qualification,
    QualificationKind,
    Talent,
    TalentTier,
    TechContract,
    TechnologyBroker,
    TransferAgency,
    Workstation,
)

from .charts import bar_chart, column_chart
from .figures import Breakdown, Figure, can_view, changelist_url, scoped, wan_yuan
from .indicators import indicator_comparison

CONTRACT_AMOUNTS = ("contract_amount", "transaction_amount")


def _grouped(user, model, group, amount_fields=(), **expressions):
    """{group value: row} of COUNT (and SUM of amount_fields) per value of `group`."""
    sums = {name: Sum(name) for name in amount_fields}
    rows = (
        scoped(user, model)
        .order_by()
        .annotate(**expressions)
        .values(group)
        .annotate(n=Count("pk"), **sums)
    )
    return {row[group]: row for row in rows}


def _figure(label, row, url, amount_fields=()):
    row = row or {}
    amounts = tuple(wan_yuan(row.get(name)) for name in amount_fields)
    return Figure(str(label), row.get("n", 0), url, amounts)


def _total(title, model, parts, amount_fields=()):
    count = sum(part.count for part in parts)
    amounts = tuple(sum(part.amounts[i] for part in parts) for i in range(len(amount_fields)))
    return Figure(str(title), count, changelist_url(model), amounts)


def _not_filled(model, group, rows, url_filter, amount_fields=()):
    """The records whose `group` is empty, when there are any (they count in the total too)."""
    row = rows.get(None) or rows.get("")
    if not row:
        return []
    return [_figure(_("not filled in"), row, changelist_url(model, **url_filter), amount_fields)]


def choice_breakdown(user, model, field_name, title):
    """Counts per choice of a field with choices (every choice shown, zero included)."""
    rows = _grouped(user, model, field_name)
    field = model._meta.get_field(field_name)
    parts = [
        _figure(label, rows.get(value), changelist_url(model, **{f"{field_name}__exact": value}))
        for value, label in field.choices
        if value != ""
    ]
    parts += _not_filled(model, field_name, rows, {f"{field_name}__exact": ""})
    return _finish(Breakdown(str(title), _total(title, model, parts), parts))


def lookup_breakdown(user, model, fk_name, lookup_model, title, amount_fields=()):
    """Counts (and amounts) per entry of a lookup table, in the table's own order."""
    rows = _grouped(user, model, fk_name, amount_fields)
    parts = [
        _figure(name, rows.get(pk), changelist_url(model, **{f"{fk_name}__id__exact": pk}), amount_fields)
        # Every entry of the (short) lookup table is listed: a zero shows what is missing.
        for pk, name in lookup_model.objects.values_list("pk", "name")
    ]
    parts += _not_filled(model, fk_name, rows, {f"{fk_name}__isnull": "True"}, amount_fields)
    return _finish(Breakdown(str(title), _total(title, model, parts, amount_fields), parts, _amount_labels(amount_fields)))


def year_breakdown(user, model, date_field, title, amount_fields=()):
    """Counts (and amounts) per calendar year of a date field, oldest first."""
    rows = _grouped(user, model, "year", amount_fields, year=ExtractYear(date_field))
    parts = [
        _figure(year, rows[year], changelist_url(model, **{f"{date_field}__year": year}), amount_fields)
        for year in sorted(year for year in rows if year is not None)
    ]
    parts += _not_filled(model, "year", rows, {f"{date_field}__isnull": "True"}, amount_fields)
    breakdown = Breakdown(str(title), _total(title, model, parts, amount_fields), parts, _amount_labels(amount_fields))
    breakdown.chart = column_chart([(p.label, p.count) for p in parts if p.label != _("not filled in")])
    return breakdown


def _amount_labels(amount_fields):
    labels = {"contract_amount": _("contract amount (10k yuan)"), "transaction_amount": _("transaction amount (10k yuan)")}
    return tuple(labels[name] for name in amount_fields)


def _finish(breakdown):
    breakdown.chart = bar_chart([(part.label, part.count) for part in breakdown.parts])
    return breakdown


def _sections():
    """(model, title, builders) of each dashboard section; builders take the user."""
    return [
        (Talent, _("Talents"), [
            lambda u: lookup_breakdown(u, Talent, "tier", TalentTier, _("Talents by tier")),
            lambda u: choice_breakdown(u, Talent, "introduction_mode", _("Talents by introduction mode")),
        ]),
        (Commissioner, _("S&T commissioners"), [
            lambda u: choice_breakdown(u, Commissioner, "kind", _("Commissioners by kind")),
        ]),
        (Workstation, _("Workstations"), [
            lambda u: choice_breakdown(u, Workstation, "kind", _("Workstations by kind")),
        ]),
        (CommissionerTeam, _("Commissioner teams"), [
            lambda u: total_only(u, CommissionerTeam, _("Commissioner teams")),
        ]),
        (TechnologyBroker, _("Technology brokers"), [
            lambda u: choice_breakdown(u, TechnologyBroker, "level", _("Brokers by level")),
        ]),
        (TransferAgency, _("Technology-transfer agencies"), [
            lambda u: choice_breakdown(u, TransferAgency, "level", _("Agencies by level")),
        ]),
        (TechContract, _("Technology contracts"), [
            lambda u: lookup_breakdown(
                u, TechContract, "contract_type", ContractType, _("Contracts by type"), CONTRACT_AMOUNTS
            ),
            lambda u: year_breakdown(u, TechContract, "signed_on", _("Contracts by year signed"), CONTRACT_AMOUNTS),
        ]),
        (Platform, _("Innovation platforms"), [
            lambda u: choice_breakdown(u, Platform, "level", _("Platforms by level")),
            lambda u: choice_breakdown(u, Platform, "kind", _("Platforms by kind")),
        ]),
        (Project, _("Projects"), [
            lambda u: choice_breakdown(u, Project, "kind", _("Projects by kind")),
            lambda u: choice_breakdown(u, Project, "status", _("Projects by status")),
        ]),
        (Qualification, _("Enterprise qualifications"), [
            lambda u: lookup_breakdown(u, Qualification, "kind", QualificationKind, _("Qualifications by kind")),
        ]),
    ]


def total_only(user, model, title):
    count = scoped(user, model).count()
    return Breakdown(str(title), Figure(str(title), count, changelist_url(model)))


def dashboard_context(user) -> dict:
    """Everything the admin index shows above the app list, limited to what the user may view."""
    sections = [
        {"title": title, "breakdowns": [build(user) for build in builders]}
        for model, title, builders in _sections()
        if can_view(user, model)
    ]
    return {"sections": sections, "indicators": indicator_comparison(user)}
