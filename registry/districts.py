"""The districts of talents and technology contracts, kept on the records themselves.

registry/access.py's DISTRICT_PATHS say how a record reaches a district: a talent through its
employer, a contract through its buyers and sellers (many-to-many). Followed as joins at every
list request, that is a sub-query over a million rows; instead these records keep the result:

* Talent: `scope_division` and `scope_zone`, its employer's, indexed with the list's order
  (name, id), so a district's talents are an index range.
* TechContract: TechContractDistrict rows, one per distinct (division, zone) of its buyers and
  sellers, with the contract's signing date, indexed by district and date, so a district's
  contracts are read from one index, and a page of them in the list's order too (page_keys).

access.STORED_PATHS makes the scope read these instead of the joins; what a user sees is the same.
They are kept on every write path:

* a talent's save() (admin forms, review, revert, fixtures): post_save recomputes its columns;
* a contract's buyers or sellers changed from either side (add, remove, set, clear): m2m_changed;
  its signing date changed by save(): post_save;
* an organization's division or zone changed by save(), or the organization deleted (its links
  go with it): the talents it employs and the contracts it is party to are recomputed;
* an import (registry/importing/applying.py), whose bulk writes send no signals: a talent's columns
  are written with its row (`stored_columns`), contracts (parties, signing dates) and moved
  organizations `after_import`;
* a merge (registry/merging.py), which moves references by UPDATE: `after_merge`;
* migrations 0027 (existing rows: `refresh_all`) and 0028 (their signing dates:
  `copy_signing_dates`); seed_scale writes them with the rows it copies.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from django.apps import apps as global_apps
from django.db import connections, models
from django.db.models import OuterRef, Subquery

BATCH = 2000
# Primary-key ranges per statement when every row is recomputed (migration 0024).
RANGE = 50_000
CONTRACT_PARTIES = ("buyers", "sellers")


def batches(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def refresh_talents(queryset: models.QuerySet[Any], apps: Any = global_apps) -> int:
    """Set the stored districts of the talents in `queryset` to their employers' (one UPDATE)."""
    employer = apps.get_model("registry", "Organization").objects.filter(pk=OuterRef("employer_id"))
    return queryset.update(
        scope_division=Subquery(employer.values("division_id")[:1]),
        scope_zone=Subquery(employer.values("zone_id")[:1]),
    )


def refresh_talent_pks(pks: Iterable[int]) -> None:
    Talent = global_apps.get_model("registry", "Talent")
    for batch in batches(pks):
        refresh_talents(Talent._base_manager.filter(pk__in_array=batch))


def refresh_contracts(pks: Iterable[int], apps: Any = global_apps) -> None:
    """Rewrite the TechContractDistrict rows of the contracts `pks` from their buyers and sellers."""
    contract = apps.get_model("registry", "TechContract")
    stored = apps.get_model("registry", "TechContractDistrict")
    # Migration 0027's historical model has no signing date yet (0028 adds and fills it).
    dated = any(field.name == "signed_on" for field in stored._meta.concrete_fields)
    for batch in batches(set(pks)):
        pairs: set[tuple[int, int | None, int | None]] = set()
        for name in CONTRACT_PARTIES:
            through = contract._meta.get_field(name).remote_field.through
            links = through._base_manager.filter(techcontract_id__in_array=batch)
            pairs.update(links.values_list("techcontract_id", "organization__division_id", "organization__zone_id"))
        stored._base_manager.filter(contract_id__in_array=batch).delete()
        signed = {}
        if dated:
            signed = dict(contract._base_manager.filter(pk__in_array=batch).values_list("pk", "signed_on"))
        rows = [
            stored(contract_id=c, division_id=d, zone_id=z, **({"signed_on": signed.get(c)} if dated else {}))
            for c, d, z in pairs
            if d is not None or z is not None
        ]
        stored._base_manager.bulk_create(rows, batch_size=BATCH)


def copy_signing_dates(pks: Iterable[int] | None = None, apps: Any = global_apps) -> None:
    """Set the district rows' signing date to their contracts' (of `pks`, or of every contract)."""
    contract = apps.get_model("registry", "TechContract")
    stored = apps.get_model("registry", "TechContractDistrict")
    signed_on = Subquery(contract._base_manager.filter(pk=OuterRef("contract_id")).values("signed_on")[:1])
    if pks is None:
        for low, high in pk_ranges(contract):
            stored._base_manager.filter(contract_id__gte=low, contract_id__lt=high).update(signed_on=signed_on)
        return
    for batch in batches(pks):
        stored._base_manager.filter(contract_id__in_array=batch).update(signed_on=signed_on)


class PageKeys(NamedTuple):
    """How a district's page of a list is found in a table of stored districts: the list order
    the table's index follows, and the keys of rows bottom..top of the districts' records in it."""

    order: tuple[Any, ...]
    # (access.Districts, bottom, top) -> primary keys; None: the page as Django finds it (an index
    # range already).
    keys: Callable[[Any, int, int], list[int] | None]


def contract_page_keys(found: Any, bottom: int, top: int) -> list[int]:
    """Keys of contracts bottom..top of the districts `found` (access.Districts), newest signed
    first: a range of the (division or zone, signed_on, contract) index. A contract with several
    rows there (parties in several districts) is counted once. For several districts, each one's
    first `top` contracts come from its own index range and are merged (on PostgreSQL; an OR of
    districts would sort all their rows): the page's contracts are among them."""
    stored = global_apps.get_model("registry", "TechContractDistrict")
    manager = stored._base_manager
    conditions = [models.Q(division_id=pk) for pk in sorted(found.divisions)]
    conditions += [models.Q(zone_id=pk) for pk in sorted(found.zones)]
    if not conditions:
        return []

    def newest_first(condition: models.Q) -> models.QuerySet[Any, Any]:
        rows = manager.filter(condition).values_list("signed_on", "contract_id").distinct()
        return rows.order_by("-signed_on", "-contract_id")

    if len(conditions) == 1 or not connections[manager.db].features.supports_slicing_ordering_in_compound:
        merged = newest_first(functools.reduce(operator.or_, conditions))
    else:
        first, *others = [newest_first(condition)[:top] for condition in conditions]
        merged = first.union(*others).order_by("-signed_on", "-contract_id")  # UNION: each contract once
    return [pk for _signed_on, pk in merged[bottom:top]]


# TechContract's list order (its Meta.ordering), which the district rows' index follows.
CONTRACT_PAGES = PageKeys(("-signed_on", "-id"), contract_page_keys)


def talent_page_keys(found: Any, bottom: int, top: int) -> list[int] | None:
    """Keys of talents bottom..top of a clerk of several districts, in the list's order (pinyin
    name, id). Each district's talents are a range of its (district, name, id) index; the database
    merges the ranges in order (UNION ALL under ORDER BY: a Merge Append on PostgreSQL, no sort,
    where an OR of districts walks the whole name index). A talent has one division and one zone,
    so a zone's part leaves out the talents of the clerk's divisions and none is listed twice.
    None for one district (its page is a range already) and where a UNION's parts cannot be
    ordered and sliced (SQLite)."""
    talent = global_apps.get_model("registry", "Talent")
    manager = talent._default_manager
    if len(found.divisions) + len(found.zones) < 2:
        return None
    if not connections[manager.db].features.supports_slicing_ordering_in_compound:
        return None
    rows = manager.values_list("name", "id").order_by(*talent._meta.ordering)
    parts = [rows.filter(scope_division_id=pk)[:top] for pk in sorted(found.divisions)]
    outside = ~models.Q(scope_division_id__in=found.divisions) if found.divisions else models.Q()
    parts += [rows.filter(outside, scope_zone_id=pk)[:top] for pk in sorted(found.zones)]
    first, *others = parts
    # On PostgreSQL the name column sorts in pinyin (its collation), as Meta.ordering does.
    merged = first.union(*others, all=True).order_by("name", "id")
    return [pk for _name, pk in merged[bottom:top]]


def contracts_of(organization_pks: Iterable[int]) -> set[int]:
    """The contracts the organizations are buyer or seller of."""
    contract = global_apps.get_model("registry", "TechContract")
    found: set[int] = set()
    for batch in batches(organization_pks):
        for name in CONTRACT_PARTIES:
            through = contract._meta.get_field(name).remote_field.through
            links = through._base_manager.filter(organization_id__in_array=batch)
            found.update(links.values_list("techcontract_id", flat=True))
    return found


def follow_organizations(pks: Iterable[int]) -> None:
    """Recompute the records of the organizations `pks` (after a move to another district, a merge)."""
    Talent = global_apps.get_model("registry", "Talent")
    pks = list(pks)
    for batch in batches(pks):
        refresh_talents(Talent._base_manager.filter(employer_id__in_array=batch))
    refresh_contracts(contracts_of(pks))


def refresh_all(apps: Any = global_apps) -> None:
    """Recompute every talent's and contract's stored districts, in primary-key ranges."""
    talent = apps.get_model("registry", "Talent")
    contract = apps.get_model("registry", "TechContract")
    for low, high in pk_ranges(talent):
        refresh_talents(talent._base_manager.filter(pk__gte=low, pk__lt=high), apps)
    for low, high in pk_ranges(contract):
        pks = contract._base_manager.filter(pk__gte=low, pk__lt=high).values_list("pk", flat=True)
        refresh_contracts(list(pks), apps)


def pk_ranges(model: type[models.Model]) -> Iterator[tuple[int, int]]:
    bounds = model._base_manager.aggregate(low=models.Min("pk"), high=models.Max("pk"))
    if bounds["low"] is None:
        return
    for low in range(bounds["low"], bounds["high"] + 1, RANGE):
        yield low, low + RANGE


# ---------------------------------------------------------------------------------------------
# Write paths that bypass the signals


STORED_COLUMNS = ("scope_division_id", "scope_zone_id")


Rows = list[list[Any]]


def stored_columns(model: type[models.Model], names: list[str], rows: Rows) -> tuple[list[str], Rows]:
    """For an import's bulk INSERT or UPDATE of talents writing `employer_id`: the stored district
    columns to write too, and each row with their values (its employer's) appended."""
    if model._meta.model_name != "talent" or "employer_id" not in names:
        return [], rows
    position = names.index("employer_id")
    places = organization_places({row[position] for row in rows if row[position] is not None})
    return list(STORED_COLUMNS), [[*row, *places.get(row[position], (None, None))] for row in rows]


def organization_places(pks: Iterable[int]) -> dict[int, tuple[int | None, int | None]]:
    """{organization pk: (division pk, zone pk)}."""
    Organization = global_apps.get_model("registry", "Organization")
    places: dict[int, tuple[int | None, int | None]] = {}
    for batch in batches(pks):
        rows = Organization._base_manager.filter(pk__in_array=batch).values_list("pk", "division_id", "zone_id")
        places.update((pk, (division, zone)) for pk, division, zone in rows)
    return places


# {field name: {record pk: [(linked pk, link row id)]}}: link rows an import wrote (link_history.KnownLinks).
WrittenLinks = dict[str, dict[int, Sequence[Any]]]


def after_import(
    model: type[models.Model], plan: Any, created_pks: list[int], links: WrittenLinks | None = None
) -> None:
    """After an import's bulk writes (applying.apply_plan): recompute what the plan changed (a
    talent's columns are written with the row: stored_columns). `links`: the link rows the import
    wrote ({field: {pk: [(linked pk, link id)]}}, applying.write_links); the contracts it created get
    their district rows from them (no query of their links, nothing to delete)."""
    name = model._meta.model_name
    if name == "techcontract":
        owners = [*zip(created_pks, (c.links for c in plan.creates)), *((u.pk, u.links) for u in plan.updates)]
        written = [pk for pk, links in owners if set(links) & set(CONTRACT_PARTIES)]
        if links is not None:
            created = set(created_pks)
            add_new_contracts([pk for pk in written if pk in created], links, signing_dates(plan, created_pks))
            written = [pk for pk in written if pk not in created]
        refresh_contracts(written)  # their signing dates too
        rewritten = set(written)
        copy_signing_dates([u.pk for u in plan.updates if "signed_on" in u.changed and u.pk not in rewritten])
    elif name == "organization":
        moved = [u.pk for u in plan.updates if {"division_id", "zone_id"} & set(u.changed)]
        follow_organizations(moved)


def signing_dates(plan: Any, created_pks: list[int]) -> dict[int, Any]:
    """{created contract pk: its signing date} from an import's plan (none when the file has no such column)."""
    if "signed_on" not in plan.fields:
        return {}
    position = plan.fields.index("signed_on")
    return {pk: create.values[position] for pk, create in zip(created_pks, plan.creates)}


def add_new_contracts(pks: list[int], links: WrittenLinks, signed: dict[int, Any]) -> None:
    """TechContractDistrict rows of contracts just created, from their buyers' and sellers' links
    and their signing dates (`signed`: {pk: date}, a missing pk has none)."""
    from registry.importing import bulk

    parties = {pk: [org for name in CONTRACT_PARTIES for org, _link in links.get(name, {}).get(pk, ())] for pk in pks}
    places = organization_places({org for orgs in parties.values() for org in orgs})
    pairs = {(pk, *places[org]) for pk, orgs in parties.items() for org in orgs if org in places}
    rows = [(c, d, z, signed.get(c)) for c, d, z in pairs if d is not None or z is not None]
    stored = global_apps.get_model("registry", "TechContractDistrict")
    fields = bulk.model_fields(stored, ("contract_id", "division_id", "zone_id", "signed_on"))
    bulk.insert_rows(stored, fields, rows)


def after_merge(model: type[models.Model], keep_pk: int) -> None:
    """After a merge moved references to the kept record by UPDATE (merging.merge)."""
    name = model._meta.model_name
    if name == "organization":
        follow_organizations([keep_pk])
    elif name == "talent":
        refresh_talent_pks([keep_pk])


# ---------------------------------------------------------------------------------------------
# Signals (connected in registry/signals.py)

BEFORE = "_registry_districts_before"
LINKED = "_registry_districts_linked"


def talent_saved(sender, instance, **kwargs):
    refresh_talent_pks([instance.pk])


def contract_saved(sender, instance, created, update_fields=None, **kwargs):
    """The district rows keep the contract's signing date (a new contract has no rows yet)."""
    if not created and (update_fields is None or "signed_on" in update_fields):
        rows = global_apps.get_model("registry", "TechContractDistrict")._base_manager.filter(contract_id=instance.pk)
        rows.exclude(signed_on=instance.signed_on).update(signed_on=instance.signed_on)


def organization_saving(sender, instance, **kwargs):
    """Remember the stored division and zone, to tell after the save whether they changed."""
    before = None
    if instance.pk is not None:
        before = sender._base_manager.filter(pk=instance.pk).values_list("division_id", "zone_id").first()
    setattr(instance, BEFORE, before)


def organization_saved(sender, instance, created, **kwargs):
    before = getattr(instance, BEFORE, None)
    if before is not None and before != (instance.division_id, instance.zone_id):
        follow_organizations([instance.pk])


def organization_deleting(sender, instance, **kwargs):
    setattr(instance, LINKED, contracts_of([instance.pk]))


def organization_deleted(sender, instance, **kwargs):
    refresh_contracts(getattr(instance, LINKED, ()))


def parties_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Buyers or sellers changed: from the contract (reverse=False) or from the organization."""
    if not reverse:
        if action.startswith("post_"):
            refresh_contracts([instance.pk])
        return
    if action == "pre_clear":
        linked = sender._base_manager.filter(organization_id=instance.pk).values_list("techcontract_id", flat=True)
        setattr(instance, LINKED, set(linked))
    elif action == "post_clear":
        refresh_contracts(getattr(instance, LINKED, ()))
    elif action in ("post_add", "post_remove"):
        refresh_contracts(pk_set or ())


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

    from registry.models import Organization, Talent, TechContract

    post_save.connect(talent_saved, sender=Talent, dispatch_uid="registry_districts_talent")
    post_save.connect(contract_saved, sender=TechContract, dispatch_uid="registry_districts_contract")
    pre_save.connect(organization_saving, sender=Organization, dispatch_uid="registry_districts_org_before")
    post_save.connect(organization_saved, sender=Organization, dispatch_uid="registry_districts_org_after")
    pre_delete.connect(organization_deleting, sender=Organization, dispatch_uid="registry_districts_org_deleting")
    post_delete.connect(organization_deleted, sender=Organization, dispatch_uid="registry_districts_org_deleted")
    for name in CONTRACT_PARTIES:
        through = getattr(TechContract, name).through
        m2m_changed.connect(parties_changed, sender=through, dispatch_uid=f"registry_districts_{name}")
