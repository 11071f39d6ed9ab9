"""The API's endpoints, declared once: path name, model, the year and kind filters, nested parts.

A record's fields are the columns of its spreadsheet (registry/importing/columns.py), relations are
named as in the spreadsheet cells (relations.py); here only what the spreadsheets do not say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from registry import models as m
from registry.models.lookups import Lookup

DASHBOARD = "dashboard"


@dataclass(frozen=True)
class Part:
    """Rows of another model shown inside each record (a workstation's members), as the admin's inlines."""

    name: str  # key in the record's JSON
    model: type[Model]
    accessor: str  # reverse relation from the record to the rows


@dataclass(frozen=True)
class Resource:
    """One list endpoint /api/v1/<name>/ and its detail /api/v1/<name>/<id>/."""

    name: str
    model: type[Model]
    year_field: str = ""  # date or year field the `year` filter reads
    kind_field: str = ""  # choice field or lookup link the `kind` filter reads
    parts: tuple[Part, ...] = ()

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name or ""

    @property
    def is_lookup(self) -> bool:
        """City-wide reference lists every client may read (the ids other records link to)."""
        return issubclass(self.model, Lookup)


RESOURCES: tuple[Resource, ...] = (
    Resource("talents", m.Talent, year_field="introduced_on", kind_field="tier"),
    Resource(
        "organizations",
        m.Organization,
        kind_field="kind",
        parts=(
            Part("aliases", m.OrganizationAlias, "aliases"),
            Part("qualifications", m.Qualification, "qualifications"),
        ),
    ),
    Resource(
        "commissioners",
        m.Commissioner,
        year_field="term_start",
        kind_field="kind",
        parts=(Part("assessments", m.CommissionerAssessment, "assessments"),),
    ),
    Resource(
        "workstations",
        m.Workstation,
        year_field="filed_on",
        kind_field="kind",
        parts=(Part("members", m.WorkstationMember, "workstationmember_set"),),
    ),
    Resource("commissioner-teams", m.CommissionerTeam),
    Resource("service-records", m.ServiceRecord, year_field="started_on", kind_field="kind"),
    Resource("brokers", m.TechnologyBroker, year_field="certified_on", kind_field="level"),
    Resource("transfer-agencies", m.TransferAgency, year_field="recognised_on", kind_field="level"),
    Resource("training-bases", m.TrainingBase, year_field="recognised_on", kind_field="level"),
    Resource("tech-contracts", m.TechContract, year_field="signed_on", kind_field="contract_type"),
    Resource("subsidies", m.Subsidy, year_field="year", kind_field="kind"),
    Resource(
        "platforms",
        m.Platform,
        year_field="opened_on",
        kind_field="kind",
        parts=(
            Part("member_organizations", m.PlatformMember, "platformmember_set"),
            Part("experts", m.PlatformExpert, "platformexpert_set"),
        ),
    ),
    Resource(
        "projects",
        m.Project,
        year_field="started_on",
        kind_field="kind",
        parts=(Part("partners", m.ProjectPartner, "partners"), Part("targets", m.ProjectTarget, "targets")),
    ),
    Resource("policies", m.Policy, year_field="issued_on", kind_field="kind"),
    Resource("indicators", m.Indicator, year_field="as_of_year"),
    Resource("divisions", m.Division, kind_field="kind"),
    Resource("development-zones", m.DevelopmentZone, kind_field="level"),
)

BY_NAME = {resource.name: resource for resource in RESOURCES}
# What a key may be granted: every record endpoint and the dashboard (lookup lists need no grant).
KIND_NAMES: tuple[str, ...] = (*(r.name for r in RESOURCES if not r.is_lookup), DASHBOARD)


def kind_choices() -> list[tuple[str, Any]]:
    """(kind, label) for the key form: the models' plural names, and the dashboard."""
    from django.utils.translation import gettext_lazy as _

    labels = {r.name: r.model._meta.verbose_name_plural for r in RESOURCES}
    labels[DASHBOARD] = _("dashboard figures")
    return [(name, labels[name]) for name in KIND_NAMES]


def readable_models(client) -> frozenset[str]:
    """Model names an API key's client may view: its record kinds (with their parts) and the lookups."""
    names = set()
    for resource in RESOURCES:
        if resource.is_lookup or client.may_read(resource.name):
            names.add(resource.model_name)
            names.update(part.model._meta.model_name or "" for part in resource.parts)
    return frozenset(names)
