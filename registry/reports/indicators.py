"""Reported vs registered: each indicator next to the count of matching records in the registry.

Only approved records are compared with what was reported, whatever the dashboard's switch says.

Indicator.computed_as names one of the computations below. A computation is the model counted and
the admin list filters that select its records (they are also the queryset filters), so the figure
links to exactly the records it counts.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from registry import validity
from registry.access import ModelType, Viewer
from registry.models import (
    Commissioner,
    CommissionerTeam,
    Indicator,
    PlatformExpert,
    PlatformMember,
    Policy,
    Project,
    Qualification,
    QualificationKind,
    TechContract,
    TechnologyBroker,
    TrainingBase,
    TransferAgency,
    Workstation,
)

from .figures import can_view, changelist_url, scoped


@dataclass(frozen=True)
class Computation:
    """Count `model` records matching `filters`; per_platform counts those of the indicator's platform.
    qualification names a QualificationKind whose valid qualifications are counted."""

    model: ModelType
    filters: tuple[tuple[str, str], ...] = ()
    per_platform: bool = False
    qualification: str = ""


def _kind(model: ModelType, value: str) -> Computation:
    return Computation(model, (("kind__exact", value),))


COMPUTATIONS = {
    "commissioners": Computation(Commissioner),
    "enterprise_commissioners": _kind(Commissioner, Commissioner.Kind.ENTERPRISE),
    "enterprise_commissioner_workstations": _kind(Workstation, Workstation.Kind.ENTERPRISE_COMMISSIONER),
    "commissioner_expert_workstations": _kind(Workstation, Workstation.Kind.COMMISSIONER_EXPERT),
    "academician_workstations": _kind(Workstation, Workstation.Kind.ACADEMICIAN_EXPERT),
    "commissioner_teams": Computation(CommissionerTeam),
    "transfer_agencies": Computation(TransferAgency),
    "training_bases": Computation(TrainingBase),
    "brokers": Computation(TechnologyBroker),
    "high_tech_enterprises": Computation(Qualification, qualification="高新技术企业"),
    "tech_smes": Computation(Qualification, qualification="科技型中小企业"),
    "leading_enterprises": Computation(Qualification, qualification="科技领军企业"),
    "landing_projects": _kind(Project, Project.Kind.LANDING),
    "open_competition_projects": _kind(Project, Project.Kind.OPEN_COMPETITION),
    "platform_members": Computation(PlatformMember, per_platform=True),
    "platform_academicians": Computation(
        PlatformExpert, (("role__exact", PlatformExpert.Role.ACADEMICIAN),), per_platform=True
    ),
    "platform_experts": Computation(PlatformExpert, per_platform=True),
    "tech_contracts": Computation(TechContract),
    "policies": Computation(Policy),
}


@dataclass
class Comparison:
    """One indicator: what was reported, and what the registry holds (None: no computation)."""

    indicator: Indicator
    registered: int | None = None
    url: str = ""
    note: str = ""

    @property
    def ratio(self) -> Decimal | None:
        """Registered as a percentage of reported (how complete the registry is)."""
        reported = self.indicator.value
        if self.registered is None or not reported:
            return None
        return (Decimal(self.registered) * 100 / reported).quantize(Decimal("1"))


def _qualification_kinds(names: Collection[str]) -> dict[str, int]:
    """{kind name: id} of the qualification kinds the computations name (one query)."""
    if not names:
        return {}
    return dict(QualificationKind.objects.filter(name__in=names).values_list("name", "pk"))


def _filters(computation: Computation, kinds: dict[str, int]) -> dict[str, object]:
    filters: dict[str, object] = dict(computation.filters)
    if computation.qualification:
        filters["kind__id__exact"] = kinds.get(computation.qualification, 0)
    return filters


def _plain_count(user: Viewer, computation: Computation, kinds: dict[str, int]) -> tuple[int, str]:
    filters = _filters(computation, kinds)
    records = scoped(user, computation.model, include_submitted=False).filter(**filters)
    if computation.qualification:
        # Held on the day: valid or expiring, as the list's validity filter ?validity=in_force selects.
        records = records.filter(validity.in_force(validity.today()))
        filters[validity.PARAMETER] = validity.IN_FORCE
    return records.count(), changelist_url(computation.model, include_submitted=False, **filters)


def _platform_counts(user: Viewer, computation: Computation, platform_ids: Collection[int]) -> dict[int, int]:
    """{platform id: count} for the platforms of the indicators (one GROUP BY query)."""
    rows = (
        scoped(user, computation.model, include_submitted=False)
        .filter(platform__in=platform_ids, **dict(computation.filters))
        .order_by()
        .values("platform")
        .annotate(n=Count("pk"))
    )
    return {row["platform"]: row["n"] for row in rows}


def indicator_comparison(user: Viewer) -> list[Comparison]:
    """Every indicator the user may see, with the registered count where a computation exists.

    One query per computation name in use (bounded by the vocabulary), never one per indicator.
    """
    if not can_view(user, Indicator):
        return []
    indicators = list(scoped(user, Indicator).select_related("source", "platform"))
    used = {i.computed_as: COMPUTATIONS[i.computed_as] for i in indicators if i.computed_as in COMPUTATIONS}
    allowed = {name: c for name, c in used.items() if can_view(user, c.model)}
    kinds = _qualification_kinds({c.qualification for c in allowed.values() if c.qualification})
    platform_ids = {i.platform_id for i in indicators if i.platform_id}
    plain = {name: _plain_count(user, c, kinds) for name, c in allowed.items() if not c.per_platform}
    per_platform = {name: _platform_counts(user, c, platform_ids) for name, c in allowed.items() if c.per_platform}
    return [_compare(i, allowed, plain, per_platform) for i in indicators]


def _compare(
    indicator: Indicator,
    allowed: dict[str, Computation],
    plain: dict[str, tuple[int, str]],
    per_platform: dict[str, dict[int, int]],
) -> Comparison:
    name = indicator.computed_as
    if not name:
        return Comparison(indicator)
    if name not in COMPUTATIONS:
        return Comparison(indicator, note=_("unknown computation “%(name)s”") % {"name": name})
    if name not in allowed:
        return Comparison(indicator, note=_("no permission to view these records"))
    if name in plain:
        count, url = plain[name]
        return Comparison(indicator, count, url)
    if not indicator.platform_id:
        return Comparison(indicator, note=_("the indicator names no platform"))
    computation = COMPUTATIONS[name]
    filters = {"platform__id__exact": indicator.platform_id, **dict(computation.filters)}
    count = per_platform[name].get(indicator.platform_id, 0)
    return Comparison(indicator, count, changelist_url(computation.model, include_submitted=False, **filters))
