"""Bulk writes without the ORM's per-value compile cost.

Django's bulk_create compiles every value of every row through the field machinery (about 10 µs a
value here), which dominated a 100k-row import. These helpers adapt only the value types the
database driver cannot take as they are (datetimes, decimals, dates on SQLite) and send rows with
multi-row INSERT ... RETURNING and executemany UPDATE. Signals are not sent, as with bulk_create;
pinyin sort keys (registry/pinyin.py) are computed here, since no save() computes them.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, TypeAlias, overload

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from simple_history.utils import get_history_model_for_model

from registry import pinyin

INSERT_PARAMS = 30_000  # below PostgreSQL's 65535 and recent SQLite's 32766 bound parameters

AnyField: TypeAlias = "models.Field[Any, Any]"
Adapter = Callable[[Any], Any]


def model_fields(model: type[models.Model], names: Iterable[str]) -> list[AnyField]:
    """The concrete fields of `model` with these names, in this order."""
    fields: list[AnyField] = []
    for name in names:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{model._meta.label}.{name} is not a concrete field")
        fields.append(field)
    return fields


def adapter(model_field: AnyField, connection: BaseDatabaseWrapper) -> Adapter | None:
    """A function preparing values of `model_field` for the driver, or None to pass them as they are."""
    ops = connection.ops
    if isinstance(model_field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(model_field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(model_field, models.DecimalField):
        digits, places = model_field.max_digits, model_field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    if isinstance(model_field, (models.JSONField, models.UUIDField, models.DurationField, models.TimeField)):
        return lambda value: model_field.get_db_prep_save(value, connection)
    return None


def prepared(
    rows: Iterable[Sequence[Any]], fields: Sequence[AnyField], connection: BaseDatabaseWrapper
) -> list[tuple[Any, ...]]:
    adapters = [(index, adapt) for index, f in enumerate(fields) if (adapt := adapter(f, connection))]
    if not adapters:
        return [tuple(row) for row in rows]
    result = []
    for row in rows:
        row = list(row)
        for index, adapt in adapters:
            if row[index] is not None:
                row[index] = adapt(row[index])
        result.append(tuple(row))
    return result


@overload
def insert_rows(
    model: type[models.Model],
    fields: Sequence[AnyField],
    rows: Sequence[Sequence[Any]],
    returning: Literal[True],
    sort_keys: bool = True,
) -> list[int]: ...


@overload
def insert_rows(
    model: type[models.Model],
    fields: Sequence[AnyField],
    rows: Sequence[Sequence[Any]],
    returning: Literal[False] = False,
    sort_keys: bool = True,
) -> None: ...


def insert_rows(
    model: type[models.Model],
    fields: Sequence[AnyField],
    rows: Sequence[Sequence[Any]],
    returning: bool = False,
    sort_keys: bool = True,
) -> list[int] | None:
    """INSERT `rows` (sequences ordered like `fields`); the new primary keys if `returning`. The
    pinyin sort keys are computed here unless the rows hold them already (`sort_keys=False`)."""
    if not rows:
        return [] if returning else None
    if sort_keys:
        fields, rows = with_sort_keys(model, fields, rows)
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        return copy_rows(connection, model, fields, rows, returning)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    suffix = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    per_batch = max(1, INSERT_PARAMS // len(fields))
    pks: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = prepared(rows[start : start + per_batch], fields, connection)
            # Identifiers quoted by the backend; every value is a bound parameter.
            sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholder] * len(batch))}{suffix}"  # noqa: S608
            cursor.execute(sql, [value for row in batch for value in row])
            if returning:
                pks.extend(pk for (pk,) in cursor.fetchall())
    return pks if returning else None


def copy_rows(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    fields: Sequence[AnyField],
    rows: Sequence[Sequence[Any]],
    returning: bool,
) -> list[int] | None:
    """PostgreSQL: COPY is several times faster than INSERT; new pks are taken from the sequence first."""
    quote = connection.ops.quote_name
    meta = model._meta
    pks = None
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            pks = [pk for (pk,) in cursor.fetchall()]
            fields = [meta.pk] + list(fields)
            rows = [(pk, *row) for pk, row in zip(pks, rows)]
        names = ", ".join(quote(f.column) for f in fields)
        # The driver's own cursor does COPY; Django's wrapper turns its errors into IntegrityError etc.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    return pks


def update_rows(model: type[models.Model], fields: Sequence[AnyField], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE by primary key; each row holds the values of `fields` followed by the pk."""
    if not rows:
        return
    fields, rows = with_sort_keys(model, fields, rows, trailing=1)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - quoted identifiers, bound values
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared(rows, list(fields) + [model._meta.pk], connection))


def with_sort_keys(
    model: type[models.Model], fields: Sequence[AnyField], rows: Iterable[Sequence[Any]], trailing: int = 0
) -> tuple[list[AnyField], list[Sequence[Any]]]:
    """`fields` and `rows` with the pinyin sort keys of the written names computed (and added)."""
    names, computed = pinyin.add_sort_keys(model, [f.attname for f in fields], rows, trailing)
    if len(names) == len(fields):
        return list(fields), list(computed)
    extra = model_fields(model, names[len(fields) :])
    return list(fields) + extra, list(computed)


def history_columns(history_type: str, user_pk: int | None, reason: str, when: object) -> dict[str, Any]:
    """The values simple-history's own columns take in every historical row a bulk write adds."""
    return {
        "history_type": history_type,
        "history_user_id": user_pk,
        "history_change_reason": reason,
        "history_date": when,
    }


def insert_history(
    model: type[models.Model],
    records: Iterable[dict[str, Any]],
    history_type: str,
    user_pk: int | None,
    reason: str,
    when: object,
) -> dict[Any, int]:
    """One historical row per record (a dict of attname -> value incl. the pk), in bulk:
    {record pk: history id of its new row}."""
    history_model = get_history_model_for_model(model)
    fields = [f for f in history_model._meta.concrete_fields if f.attname != "history_id"]
    extra = history_columns(history_type, user_pk, reason, when)
    defaults = {f.attname: f.get_default() for f in fields}
    pk_name = model._meta.pk.attname
    rows, pks = [], []
    for record in records:
        pks.append(record[pk_name])
        rows.append(
            tuple(
                extra[f.attname] if f.attname in extra else record.get(f.attname, defaults[f.attname]) for f in fields
            )
        )
    return dict(zip(pks, insert_rows(history_model, fields, rows, returning=True)))


def insert_history_rows(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Iterable[Sequence[Any]],
    pks: Iterable[Any],
    history_type: str,
    user_pk: int | None,
    reason: str,
    when: object,
    sort_keys: bool = True,
) -> dict[Any, int]:
    """insert_history for records given as rows of values in `attnames` order (values after those
    are ignored) and their pks: the same historical rows, picked from each row without a dict per
    record. {record pk: history id of its new row}. `sort_keys=False`: the rows hold the sort keys
    computed for the records themselves (attnames name them), so they are not computed again."""
    history_model = get_history_model_for_model(model)
    fields = [f for f in history_model._meta.concrete_fields if f.attname != "history_id"]
    extra = history_columns(history_type, user_pk, reason, when)
    position = {name: index for index, name in enumerate(attnames)}
    pk_name = model._meta.pk.attname
    # Each history row is picked from (constants..., pk, row values...), as insert_history fills it.
    constants: dict[str, Any] = {}
    for f in fields:
        if f.attname in extra:
            constants[f.attname] = extra[f.attname]
        elif f.attname != pk_name and f.attname not in position:
            constants[f.attname] = f.get_default()
    slot = {name: index for index, name in enumerate(constants)}
    offset = len(constants)
    indexes = [
        slot[f.attname] if f.attname in slot else offset if f.attname == pk_name else offset + 1 + position[f.attname]
        for f in fields
    ]
    pick_row = operator.itemgetter(*indexes)
    fixed = tuple(constants.values())
    pks = list(pks)
    history_rows = [pick_row((*fixed, pk, *row)) for row, pk in zip(rows, pks)]
    return dict(zip(pks, insert_rows(history_model, fields, history_rows, returning=True, sort_keys=sort_keys)))
