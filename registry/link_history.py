"""Many-to-many links in the record history: which fields are kept, what a version held, restoring it.

django-simple-history keeps a many-to-many field when it is one of the history's m2m_fields: every
historical row then owns a snapshot of that field's links (one row per link, in the table
Historical<Model>_<field>). The snapshot rows carry no type, user or time of their own (simple-history
issue #1385); they belong to their historical row, which has them.

RegistryHistoricalRecords keeps every many-to-many field that has an automatic link table, so a field
added later is kept without anyone listing it. Fields through a model of their own (workstation members,
platform members and experts) are rows of that model and have its history.

One change is one historical row: the admin saves a record (one row) and then its links, and
`links_recorded` stops simple-history from adding a row per link change, refreshing the snapshot of the
record's latest row instead. Bulk writers (imports, merges) write snapshots with `write_snapshots`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models
from simple_history.models import HistoricalRecords

from registry import access

CHUNK = 2000
# Set on an instance saved raw (loaddata): fixtures write no history, and their links none either.
RAW_SAVE_MARK = "_history_raw_save"
SKIP_MARK = "skip_history_when_saving"  # simple-history's own switch, honoured by its signal handlers


# Kept by registry/districts.py from the employer: not part of a talent's history.
STORED_DISTRICT_FIELDS = frozenset({"scope_division", "scope_zone"})


def has_link_table(field) -> bool:
    """Whether a many-to-many field stores its links in an automatic table (no model of its own)."""
    through = field.remote_field.through
    return not isinstance(through, str) and through._meta.auto_created


class RegistryHistoricalRecords(HistoricalRecords):
    """simple-history's HistoricalRecords keeping every many-to-many field with an automatic link table."""

    def get_m2m_fields_from_model(self, model):
        # Decided per model from its own fields (citations come from the abstract base) instead of a list.
        return [field for field in model._meta.local_many_to_many if has_link_table(field)]

    def fields_included(self, model):
        # The stored districts (registry/districts.py) follow other records; they are no change of this one.
        return [field for field in super().fields_included(model) if field.name not in STORED_DISTRICT_FIELDS]

    def post_save(self, instance, created, using=None, **kwargs):
        # Remember a raw save (loaddata): the link changes that follow it are part of the same load.
        if kwargs.get("raw", False):
            setattr(instance, RAW_SAVE_MARK, True)
        super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if getattr(instance, RAW_SAVE_MARK, False) or hasattr(instance, SKIP_MARK):
            return
        if not reverse:
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        # Changed from the far side (organization.contracts_bought.add(contract)): simple-history would
        # give the organization a row; the records whose links changed are the owners (the contracts).
        owner_model = kwargs["model"]
        field = owner_model._meta.get_field(attr)
        if action == "pre_clear":
            instance._history_cleared_owners = list(
                field.remote_field.through.objects.filter(**{field.m2m_reverse_field_name(): instance.pk}).values_list(
                    field.m2m_field_name() + "_id", flat=True
                )
            )
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        owners = pk_set if action != "post_clear" else instance.__dict__.pop("_history_cleared_owners", ())
        for owner in owner_model._default_manager.filter(pk__in=list(owners or ())):
            self.create_historical_record(owner, "~")


def link_fields(model) -> list:
    """The many-to-many fields of `model` its history keeps (none for models without history)."""
    history = getattr(model, "history", None)
    return list(getattr(history.model, "_history_m2m_fields", ())) if history is not None else []


def snapshot_model(field):
    """The model holding the history snapshots of one kept many-to-many field."""
    return HistoricalRecords.m2m_models[field]


@dataclass(frozen=True)
class LinkField:
    """How a kept many-to-many field names its two ends, in its link table and in its snapshots."""

    field: models.ManyToManyField

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def owner(self) -> str:
        """The link table's column naming the record that owns the field (techcontract_id)."""
        return self.field.m2m_field_name() + "_id"

    @property
    def target(self) -> str:
        """The link table's column naming the linked record (organization_id)."""
        return self.field.m2m_reverse_field_name() + "_id"

    @property
    def through(self):
        return self.field.remote_field.through


def chunks(items, size=CHUNK) -> Iterator[list]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def link_rows(field: LinkField, pks: list) -> Iterator[tuple[int, int, int]]:
    """(owner pk, linked pk, link row id) of the records' links in one kept field, as stored now."""
    for chunk in chunks(pks):
        yield from field.through.objects.filter(**{field.owner + "__in_array": chunk}).values_list(
            field.owner, field.target, "id"
        )


def links_at(model, history_ids: Iterable) -> dict[tuple[int, str], set]:
    """{(history id, field name): linked pks} that the given historical rows of `model` recorded."""
    history_ids = list(history_ids)
    links: dict[tuple[int, str], set] = {}
    for field in map(LinkField, link_fields(model)):
        for history_id in history_ids:
            links[(history_id, field.name)] = set()
        snapshots = snapshot_model(field.field)
        for chunk in chunks(history_ids):
            rows = snapshots.objects.filter(history_id__in_array=chunk).values_list("history_id", field.target)
            for history_id, target in rows:
                links[(history_id, field.name)].add(target)
    return links


# {field name: {record pk: [(linked pk, link row id), ...]}}: a record's links in a field, as stored now.
KnownLinks = dict[str, dict[int, Sequence[tuple[int, int]]]]


def write_snapshots(model, history_ids: dict, known: KnownLinks | None = None, fresh: Collection = ()) -> None:
    """Snapshot the current links of records into their historical rows, in bulk.

    `history_ids` maps a record's pk to the history id of its new historical row. Rows already in the
    snapshot of those historical rows are replaced, except for the records in `fresh`, whose historical
    rows were inserted by the caller just now (they have no snapshot yet). A record listed in `known`
    for a field has the links given there (the caller has just written all of them); the others' links
    are read from the link table. Snapshot rows are written with bulk INSERT (COPY on PostgreSQL)."""
    if not history_ids:
        return
    from registry.importing import bulk

    known = known or {}
    stale = [history_id for pk, history_id in history_ids.items() if pk not in fresh]
    for field in map(LinkField, link_fields(model)):
        snapshots = snapshot_model(field.field)
        for chunk in chunks(stale):
            snapshots.objects.filter(history_id__in_array=chunk).delete()
        given = known.get(field.name, {})
        rows = [
            (history_ids[owner], owner, target, link)
            for owner, links in given.items()
            if owner in history_ids
            for target, link in links
        ]
        unknown = [pk for pk in history_ids if pk not in given]
        rows += [(history_ids[owner], owner, target, link) for owner, target, link in link_rows(field, unknown)]
        columns = bulk.model_fields(snapshots, ("history_id", field.owner, field.target, "id"))
        bulk.insert_rows(snapshots, columns, rows)


REASON_LENGTH = 100  # simple-history's history_change_reason column


def write_versions(model, pks: Iterable, user, reason: str, when=None) -> None:
    """A changed ("~") historical row for each record as stored now, links included, in bulk
    (for writes that bypass save(): moved references, bulk updates)."""
    pk_name = model._meta.pk.attname
    for chunk in chunks(pks):
        records = list(model._default_manager.filter(pk__in_array=chunk))
        rows = model.history.bulk_history_create(
            records, update=True, default_user=user, default_change_reason=reason[:REASON_LENGTH], default_date=when
        )
        write_snapshots(model, {getattr(row, pk_name): row.history_id for row in rows})


@contextmanager
def history_paused(instance):
    """No historical rows for `instance` inside this block (simple-history's own switch)."""
    if hasattr(instance, SKIP_MARK):
        yield
        return
    setattr(instance, SKIP_MARK, True)
    try:
        yield
    finally:
        delattr(instance, SKIP_MARK)


@contextmanager
def links_recorded(instance):
    """Change `instance`'s links inside this block; its latest historical row then holds the result.

    Without it simple-history writes one more historical row per link change (a form saving three
    many-to-many fields would leave up to six rows for one save)."""
    if hasattr(instance, SKIP_MARK) or not link_fields(type(instance)):
        yield
        return
    with history_paused(instance):
        yield
    latest = instance.history.order_by("-history_date", "-history_id").values_list("history_id", flat=True).first()
    if latest is not None:
        write_snapshots(type(instance), {instance.pk: latest})


@dataclass(frozen=True)
class LinkChange:
    """What a version changed in one many-to-many field, as related pks."""

    field: models.ManyToManyField
    added: frozenset
    removed: frozenset


def link_changes(model, pairs: list[tuple[int, int]]) -> dict[int, list[LinkChange]]:
    """{newer history id: its link changes} for (newer, older) pairs of historical rows of `model`."""
    fields = link_fields(model)
    if not fields or not pairs:
        return {}
    links = links_at(model, {history_id for pair in pairs for history_id in pair})
    changes: dict[int, list[LinkChange]] = defaultdict(list)
    for newer, older in pairs:
        for field in fields:
            new, old = links[(newer, field.name)], links[(older, field.name)]
            if new != old:
                changes[newer].append(LinkChange(field, frozenset(new - old), frozenset(old - new)))
    return changes


@dataclass(frozen=True)
class Restored:
    """The outcome of restoring a version's links: how many linked records no longer exist."""

    missing: dict[str, int]


def links_of_version(record) -> dict[str, list]:
    """{field name: linked records that still exist} as the historical row `record` recorded them."""
    model = record.instance_type
    links = links_at(model, [record.history_id])
    result = {}
    for field in link_fields(model):
        pks = links[(record.history_id, field.name)]
        result[field.name] = list(field.related_model._default_manager.filter(pk__in=pks)) if pks else []
    return result


def links_outside_scope(user, model, current, links: dict[str, list]) -> list[str]:
    """Labels of the fields whose restored links would add records outside the user's districts
    (links the record has now may stay, as in its forms; shared city-wide lists are open to all)."""
    fields = []
    for name, restored in links.items():
        kept = set(getattr(current, name).values_list("pk", flat=True)) if current is not None else set()
        added = [obj.pk for obj in restored if obj.pk not in kept]
        if not added:
            continue
        related = type(restored[0])
        if related._meta.model_name not in access.DISTRICT_PATHS:
            continue
        if access.scope_queryset(user, related._default_manager.filter(pk__in=added)).count() < len(added):
            fields.append(str(model._meta.get_field(name).verbose_name))
    return fields


def restore_links(instance, record) -> Restored:
    """Give `instance` the links its historical row `record` holds (linked records deleted since are
    left out and counted); call inside `links_recorded` so the restoring row holds the result."""
    model = type(instance)
    links = links_at(model, [record.history_id])
    missing = {}
    for field in link_fields(model):
        wanted = links[(record.history_id, field.name)]
        existing = set(field.related_model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))
        if len(existing) < len(wanted):
            missing[field.name] = len(wanted) - len(existing)
        getattr(instance, field.name).set(existing)
    return Restored(missing)
