"""What may have changed between an import's preview and its confirmation.

The preview compares the file with the records as they were; the confirmation writes later. An
admin edit saved in between would be overwritten silently, and the user's districts or a record's
may have changed too. So each planned update carries the version of its record at the preview (a
hash of the values the plan compares), and the confirmation, inside the transaction that writes,
locks those records, compares their versions now and refuses the whole import listing the rows
whose records changed or were deleted. Records the plan creates are looked for again (by natural key
and unique values), and so are the organizations it creates: another import may have written them
since. Imports of one model take turns for this (lock_model: a PostgreSQL advisory lock held until
the transaction ends; SQLite writes one transaction at a time anyway). After writing, a scoped
user's records are checked against the districts the user has now, with the values just written;
any outside roll the import back.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils.translation import gettext as _

from registry import access

from .header import key_field_names
from .plan import NewOrganization, Plan
from .relations import chunks

if TYPE_CHECKING:
    from .existing import Record

# Rows named in a refusal; the rest are counted.
ROWS_NAMED = 20
# First half of the advisory lock key of imports (the second is the model's label as a number).
IMPORT_LOCK_SPACE = 1913


class ChangedSincePreview(Exception):
    """The import was refused at confirmation; nothing was written. str() says which rows and why."""

    def __init__(self, message: str, rows: Sequence[int]) -> None:
        super().__init__(message)
        self.rows = list(rows)


def version(record: Mapping[str, Any] | Record, attnames: Iterable[str]) -> str:
    """The version of a record's values (a .values() dict or an import's Record): a short hash."""
    text = json.dumps([record.get(name) for name in attnames], cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def check_unchanged(plan: Plan) -> None:
    """Lock the records the plan updates and raise ChangedSincePreview when any of them changed
    (or was deleted) since the preview. Run inside the writing transaction."""
    if not plan.updates:
        return
    manager = plan.model._default_manager
    now: dict[int, str] = {}
    for chunk in chunks([update.pk for update in plan.updates]):
        for record in manager.select_for_update().filter(pk__in_array=chunk).order_by("pk").values("pk", *plan.fields):
            now[record["pk"]] = version(record, plan.fields)
    rows = sorted(update.row for update in plan.updates if now.get(update.pk) != update.version)
    if rows:
        raise ChangedSincePreview(
            _(
                "Records were changed or deleted after the preview, in %(rows)s; nothing was imported. "
                "Upload the file again to see the changes against the records as they are now."
            )
            % {"rows": rows_text(rows)},
            rows,
        )


def lock_model(model: type[models.Model]) -> None:
    """Wait until no other import of `model` is being written, and keep others waiting until this
    transaction ends (PostgreSQL; SQLite lets one transaction write at a time)."""
    if connection.vendor != "postgresql":
        return
    number = zlib.crc32(model._meta.label.encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_SPACE, number - 2**32 * (number >= 2**31)])


def check_still_new(plan: Plan) -> None:
    """Raise ChangedSincePreview when a record the plan creates exists by now (same natural key or
    unique value), or an organization it creates: another import wrote it after the preview."""
    from registry.models import Organization

    rows = sorted(set(rows_already_there(plan)))
    if rows:
        raise ChangedSincePreview(
            _(
                "Records this import would create, in %(rows)s, were registered after the preview; nothing was "
                "imported. Upload the file again: those rows will then update the records."
            )
            % {"rows": rows_text(rows)},
            rows,
        )
    taken = [name for chunk in chunks(plan.new_organizations) for name in existing_names(Organization, chunk)]
    if taken:
        raise ChangedSincePreview(
            _(
                "Organizations this import would create were registered after the preview (%(names)s); nothing "
                "was imported. Upload the file again."
            )
            % {"names": "、".join(taken[:ROWS_NAMED])},
            [],
        )


def rows_already_there(plan: Plan) -> Iterable[int]:
    """Rows of records to create whose unique value (identity number, credit code), or else whose
    natural key, is registered now."""
    model = plan.model
    position = {name: index for index, name in enumerate(plan.fields)}
    key = [model._meta.get_field(name).attname for name in key_field_names(model)]  # type: ignore[union-attr]
    unique = [f.attname for f in model._meta.concrete_fields if f.unique and f.attname in position]
    for fields in [key, *[[name] for name in unique]]:
        if not fields or any(name not in position for name in fields):
            continue
        wanted: dict[tuple[Any, ...], int] = {}
        for create in plan.creates:
            values = tuple(create.values[position[name]] for name in fields)
            if any(isinstance(value, NewOrganization) for value in values):
                continue  # names an organization still to be created: nothing registered can match
            if fields is key and any(create.values[position[name]] not in (None, "") for name in unique):
                continue  # identified by its identity number / credit code, not by name (namesakes)
            if fields is not key and values[0] in (None, ""):
                continue  # an empty unique value collides with nothing
            wanted[values] = create.row
        for chunk in chunks({values[0] for values in wanted}):
            for found in model._default_manager.filter(**{fields[0] + "__in_array": chunk}).values_list(*fields):
                if tuple(found) in wanted:
                    yield wanted[tuple(found)]


def existing_names(model: type[models.Model], names: Sequence[str]) -> list[str]:
    return list(model._default_manager.filter(name__in_array=names).values_list("name", flat=True))


def check_in_scope(plan: Plan, user: access.Viewer, created_pks: Sequence[int]) -> None:
    """Raise ChangedSincePreview when a record just written lies outside the districts the user has
    now (checked with the written values, links included). Run inside the writing transaction."""
    if not access.is_scoped(user):
        return
    row_of = {pk: create.row for pk, create in zip(created_pks, plan.creates)}
    row_of.update({update.pk: update.row for update in plan.updates})
    manager: models.Manager[Any] = plan.model._default_manager
    inside: set[int] = set()
    for chunk in chunks(list(row_of)):
        inside.update(access.scope_queryset(user, manager.filter(pk__in_array=chunk)).values_list("pk", flat=True))
    rows = sorted(row for pk, row in row_of.items() if pk not in inside)
    if rows:
        raise ChangedSincePreview(
            _("Records in %(rows)s would lie outside your districts as they are now; nothing was imported.")
            % {"rows": rows_text(rows)},
            rows,
        )


def rows_text(rows: Sequence[int]) -> str:
    named = "、".join(_("row %(row)d") % {"row": row} for row in rows[:ROWS_NAMED])
    if len(rows) > ROWS_NAMED:
        named += _(" and %(count)d more rows") % {"count": len(rows) - ROWS_NAMED}
    return named
