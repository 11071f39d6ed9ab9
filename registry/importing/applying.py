"""Writing a confirmed Plan: one transaction, bulk statements, history rows naming the user and file.

Rows are inserted and updated with the multi-row statements of bulk.py (COPY on PostgreSQL), not
one save() per record, so no model signals are sent. Each created or changed record gets one
historical row (simple-history's table, written in bulk) with the user and "Imported from <file>",
and that row's snapshot of the record's many-to-many links as written (registry.link_history), so
the history page shows the links the import changed and a revert restores them; organizations the
plan creates get their rows too. An AuditEvent records the import.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import access, audit, districts, link_history, registration
from registry.models import AuditEvent, Organization, RegistrationStatus
from registry.models.review import ReviewStatus

from . import bulk, review_states, since_preview
from .plan import Create, NewOrganization, Plan, Update, Values
from .relations import chunks

# New records written at a time, with their history rows, links, snapshots and districts.
WRITE_CHUNK = 5_000
# Values with organizations created by this import replaced by their new primary keys.
Resolve = Callable[[Values], Values]


def change_reason(file_name: str) -> str:
    return _("Imported from %(file)s") % {"file": file_name}


@transaction.atomic
def apply_plan(plan: Plan, user: access.Viewer, file_name: str, ip_address: str | None = None) -> dict[str, int]:
    """Write the plan in one transaction: {"new": records created, "updated": records changed}.
    Raises since_preview.ChangedSincePreview (nothing written) when a record changed after the
    preview or a written record lies outside the user's districts now."""
    model = plan.model
    since_preview.lock_model(model)
    since_preview.check_unchanged(plan)
    since_preview.check_still_new(plan)
    review_states.check_parents(plan)
    reason = change_reason(file_name)
    user_pk = getattr(user, "pk", None)
    now = timezone.now()
    new_orgs = create_organizations(plan.new_organizations, user_pk, reason, now)
    fields = [model_field_by_attname(model, name) for name in plan.fields]
    resolve = resolver(new_orgs)
    moved = states_before(model, plan)
    created_pks: list[int] = []
    # New records are written WRITE_CHUNK at a time with all that goes with them (history rows,
    # links, their snapshots, stored districts), so what is held for them is one chunk's worth.
    for chunk in chunks(plan.creates, WRITE_CHUNK):
        part = dataclasses.replace(plan, creates=chunk, updates=[])
        pks, history = insert_creates(model, part, fields, resolve, user_pk, reason, now)
        links = write_links(model, chunk, pks, [], new_orgs)
        districts.after_import(model, part, pks, links)  # before the scope check, which reads them
        link_history.write_snapshots(model, history, links, fresh=history)
        created_pks += pks
    if plan.updates:
        part = dataclasses.replace(plan, creates=[])
        history = apply_updates(model, plan.updates, fields, resolve, user_pk, reason, now)
        links = write_links(model, [], [], plan.updates, new_orgs)
        districts.after_import(model, part, [], links)
        link_history.write_snapshots(model, history, links)
    since_preview.check_in_scope(plan, user, created_pks)
    review_states.log_transitions(model, state_moves(plan, created_pks, moved), user, file_name, ip_address)
    registration.log_imported(user, imported_registrations(plan, created_pks), file_name)
    audit.record(
        AuditEvent.Kind.IMPORT,
        user=user,
        ip_address=ip_address,
        model=model,
        rows=len(plan.creates) + len(plan.updates),
        file_name=file_name,
        detail=json.dumps(plan.counts),
    )
    return {"new": len(plan.creates), "updated": len(plan.updates)}


def states_before(model: type[models.Model], plan: Plan) -> dict[int, str]:
    """The stored review state of each record whose state the plan changes (pk -> state)."""
    if review_states.STATUS not in plan.fields:
        return {}
    pks = [update.pk for update in plan.updates if review_states.STATUS in update.changed]
    states: dict[int, str] = {}
    for chunk in chunks(pks):
        states.update(model._default_manager.filter(pk__in_array=chunk).values_list("pk", review_states.STATUS))
    return states


def state_moves(plan: Plan, created_pks: list[int], before: dict[int, str]) -> list[tuple[int, str, str]]:
    """(pk, from, to) of every state the import changed: new records created submitted, and the
    records whose state changed."""
    if review_states.STATUS not in plan.fields:
        return []
    position = plan.fields.index(review_states.STATUS)
    draft = ReviewStatus.DRAFT
    moves = [
        (pk, str(draft), create.values[position])
        for pk, create in zip(created_pks, plan.creates)
        if create.values[position] != draft
    ]
    moves += [(u.pk, before[u.pk], u.values[position]) for u in plan.updates if review_states.STATUS in u.changed]
    return moves


def imported_registrations(plan: Plan, created_pks: list[int]) -> list[int]:
    """The contracts a registrar imported with their registration: new ones, and ones that awaited it."""
    if "registration_status" not in plan.fields:
        return []
    position = plan.fields.index("registration_status")
    registered = RegistrationStatus.REGISTERED
    pks = [pk for pk, create in zip(created_pks, plan.creates) if create.values[position] == registered]
    return pks + [u.pk for u in plan.updates if "registration_status" in u.changed and u.values[position] == registered]


def resolver(new_orgs: dict[str, int]) -> Resolve:
    """Replaces NewOrganization values by the created pks (a no-op when the plan creates none)."""
    if not new_orgs:
        return lambda values: values
    return lambda values: [new_orgs[v.name] if isinstance(v, NewOrganization) else v for v in values]


def model_field_by_attname(model: type[models.Model], attname: str) -> bulk.AnyField:
    for model_field in model._meta.concrete_fields:
        if model_field.attname == attname:
            return model_field
    raise KeyError(attname)


def insert_creates(
    model: type[models.Model],
    plan: Plan,
    fields: list[bulk.AnyField],
    resolve: Resolve,
    user_pk: int | None,
    reason: str,
    now: datetime.datetime,
) -> tuple[list[int], dict[int, int]]:
    """INSERT the plan's new records (apply_plan passes one chunk of them) with their timestamps and
    history rows: their new pks, in plan order, and {pk: history id}."""
    stamps = bulk.model_fields(model, ("created_at", "updated_at"))
    rows = [[*resolve(create.values), now, now] for create in plan.creates]
    stored, rows = districts.stored_columns(model, plan.fields, rows)
    # The sort keys once, for the records and their history rows alike.
    written, keyed = bulk.with_sort_keys(model, fields + stamps + bulk.model_fields(model, stored), rows)
    pks = bulk.insert_rows(model, written, keyed, returning=True, sort_keys=False)
    attnames = [f.attname for f in written]
    history_ids = bulk.insert_history_rows(model, attnames, keyed, pks, "+", user_pk, reason, now, sort_keys=False)
    return pks, history_ids


def apply_updates(
    model: type[models.Model],
    updates: list[Update],
    fields: list[bulk.AnyField],
    resolve: Resolve,
    user_pk: int | None,
    reason: str,
    now: datetime.datetime,
) -> dict[int, int]:
    """UPDATE the changed columns of each record (grouped by which columns changed) and log history:
    {pk: history id}."""
    if not updates:
        return {}
    names = [f.attname for f in fields]
    created_at: dict[int, Any] = {}
    for chunk in chunks([update.pk for update in updates]):
        created_at.update(model._default_manager.filter(pk__in_array=chunk).values_list("pk", "created_at"))
    groups: dict[tuple[str, ...], list[tuple[int, Values]]] = {}
    for update in updates:
        groups.setdefault(tuple(update.changed), []).append((update.pk, resolve(update.values)))
    (updated_at,) = bulk.model_fields(model, ("updated_at",))
    for changed, members in groups.items():
        positions = [names.index(name) for name in changed]
        values = [[row[p] for p in positions] for _pk, row in members]
        stored, values = districts.stored_columns(model, list(changed), values)
        columns = [fields[p] for p in positions] + bulk.model_fields(model, stored) + [updated_at]
        bulk.update_rows(model, columns, [[*row, now, pk] for (pk, _), row in zip(members, values)])
    records = (
        dict(zip(names, row), id=pk, created_at=created_at.get(pk), updated_at=now)
        for members in groups.values()
        for pk, row in members
    )
    return bulk.insert_history(model, records, "~", user_pk, reason, now)


def create_organizations(names: list[str], user_pk: int | None, reason: str, now: datetime.datetime) -> dict[str, int]:
    """Organizations the file named that are not registered yet (the "create missing" option)."""
    if not names:
        return {}
    fields = bulk.model_fields(Organization, ("name", "kind", "notes", "created_at", "updated_at"))
    rows = [[name, Organization.Kind.ENTERPRISE, "", now, now] for name in names]
    pks = bulk.insert_rows(Organization, fields, rows, returning=True)
    records = [
        {
            "id": pk,
            "name": name,
            "kind": Organization.Kind.ENTERPRISE,
            "notes": "",
            "credit_code": None,
            "created_at": now,
            "updated_at": now,
        }
        for pk, name in zip(pks, names)
    ]
    bulk.insert_history(Organization, records, "+", user_pk, reason, now)
    return dict(zip(names, pks))


def write_links(
    model: type[models.Model],
    creates: list[Create],
    created_pks: list[int],
    updates: list[Update],
    new_orgs: dict[str, int],
) -> link_history.KnownLinks:
    """Replace the many-to-many links of the created and updated records the plan lists: the links
    now stored of every record written, by field (link_history.write_snapshots). A created record has
    only the links the plan gives it (its pk is new to this transaction), so it is listed, with no links,
    for every kept field the plan gives it none in."""
    owners = [*zip(created_pks, (c.links for c in creates)), *((u.pk, u.links) for u in updates)]
    by_field: dict[str, list[tuple[int, list[Any]]]] = {}
    for pk, links in owners:
        for name, pks in links.items():
            by_field.setdefault(name, []).append((pk, pks))
    created = set(created_pks)
    known: link_history.KnownLinks = {}
    for field in link_history.link_fields(model):
        known[field.name] = dict.fromkeys(created_pks, ())
    for name, owned in by_field.items():
        known.setdefault(name, {}).update(replace_links(model, name, owned, new_orgs, created))
    return known


def replace_links(
    model: type[models.Model],
    name: str,
    links: Iterable[tuple[int, list[Any]]],
    new_orgs: dict[str, int],
    created: Collection[int] = (),
) -> dict[int, Sequence[tuple[int, int]]]:
    """Give each record (pk, linked pks) exactly those links in field `name`: {pk: [(linked pk, link
    row id)]}. The records in `created` were inserted by this transaction and have no links to delete."""
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.ManyToManyField) or model_field.remote_field.through is None:
        raise TypeError(f"{model._meta.label}.{name} is not a many-to-many field")
    through = model_field.remote_field.through
    source = model_field.m2m_field_name() + "_id"
    target = model_field.m2m_reverse_field_name() + "_id"
    links = list(links)
    for chunk in chunks([pk for pk, _others in links if pk not in created]):
        through._default_manager.filter(**{source + "__in_array": chunk}).delete()
    rows = [
        (pk, new_orgs[other.name] if isinstance(other, NewOrganization) else other)
        for pk, others in links
        for other in dict.fromkeys(others)
    ]
    ids = bulk.insert_rows(through, bulk.model_fields(through, (source, target)), rows, returning=True)
    stored: dict[int, list[tuple[int, int]]] = {pk: [] for pk, _others in links}
    for (pk, other), link in zip(rows, ids):
        stored[pk].append((other, link))
    return dict(stored)
