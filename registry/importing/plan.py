"""What importing a file would do, as typed values, and their JSON form kept between preview and confirm.

A Plan lists the records to create (Create), the records to change (Update), how many rows are
unchanged, the rejected rows (RowError) and, for the preview, a description of each change (Change).
A value that names an organization still to be created ("create missing organizations") is a
NewOrganization until the plan is applied.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext as _

# Cells of a record in plan order (Plan.fields): stored values, or NewOrganization for a foreign key.
Values = list[Any]
# Many-to-many field name -> primary keys the record links to after the import.
Links = dict[str, list[int]]


@dataclass(frozen=True, slots=True)
class NewOrganization:
    """An organization the file names that is not registered yet; created when the plan is applied."""

    name: str


class Create(NamedTuple):
    """A record to insert: its values, its many-to-many links and its spreadsheet row."""

    values: Values
    links: Links
    row: int = 0


class Update(NamedTuple):
    """An existing record to change: all its values, which attnames changed, links to replace, its
    spreadsheet row, and the version of the record the preview compared with (since_preview.py)."""

    pk: int
    values: Values
    changed: list[str]
    links: Links
    row: int = 0
    version: str = ""


class Diff(NamedTuple):
    """One changed column in the preview: its label, the old and the new value as text."""

    label: str
    old: Any
    new: Any


class Change(NamedTuple):
    """One row of the preview: spreadsheet row, "new" or "update", the record's key, its diffs."""

    row: int
    action: str
    record: str
    diffs: list[Diff]


@dataclass
class RowError:
    """Why a row (or the header, row 1) was rejected: where, what value, and the reason."""

    row: int  # spreadsheet row number; the header is row 1
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.row}
        if self.column:
            where += _(", column “%(column)s”") % {"column": self.column}
        if self.value:
            where += _(", value “%(value)s”") % {"value": self.value}
        return f"{where}：{self.message}"


@dataclass
class Plan:
    """What importing a file would do. Stored as JSON (to_json / from_json) until confirmed."""

    model_label: str
    fields: list[str] = field(default_factory=list)  # attnames, the order of every Values list
    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    new_organizations: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    rows: int = 0
    ignored: list[str] = field(default_factory=list)  # personal-data columns the user may not import
    clear_blanks: bool = False  # blank cells clear stored values (else they leave them alone)
    header_line: int = 1  # the file's line holding the header (title rows above it are passed over)
    sheet: str = ""  # the sheet read, when the workbook has several
    review_target: str = ""  # the state written rows land in (review_states.Target), "" without review

    @property
    def model(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model_label)

    @property
    def counts(self) -> dict[str, int]:
        error_rows = len({error.row for error in self.errors})
        return {
            "new": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "errors": error_rows,
            "rows": self.rows,
        }

    @property
    def has_changes(self) -> bool:
        return bool(self.creates or self.updates)

    def to_json(self) -> str:
        return "\n".join(encode(self))

    @classmethod
    def from_json(cls, text: str) -> Plan:
        return decode(text.splitlines())

    def compressed(self) -> bytes:
        """The plan's JSON lines, compressed line by line: the whole text is never held at once."""
        packer = zlib.compressobj(1)
        parts = [packer.compress(line.encode("utf-8") + b"\n") for line in encode(self)]
        parts.append(packer.flush())
        return b"".join(parts)

    @classmethod
    def from_compressed(cls, data: bytes) -> Plan:
        return decode(decompressed_lines(data))


# -- JSON codec -------------------------------------------------------------------------------------
# A plan is JSON lines: the first holds its scalars, each further one a chunk of one of its lists
# ({"creates": [...]}), so neither writing nor reading holds the text of 100k records at once. Named
# tuples are written as JSON arrays (compact), a NewOrganization as {"new": name}, dates and decimals
# as strings (turned back by the model field of their column). A plan written as one JSON object
# (before the lines) reads the same: its lists are in its first line.

SCALARS = (
    "model_label",
    "fields",
    "new_organizations",
    "unchanged",
    "rows",
    "ignored",
    "clear_blanks",
    "header_line",
    "sheet",
    "review_target",
)
LINE_ITEMS = 2000  # records per line
READ_BYTES = 1 << 16  # compressed bytes decompressed at a time


class PlanEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, NewOrganization):
            return {"new": o.name}
        return super().default(o)


def encode(plan: Plan) -> Iterator[str]:
    """The plan's JSON lines (see above)."""
    encoder = PlanEncoder(ensure_ascii=False, separators=(",", ":"))
    yield encoder.encode({key: getattr(plan, key) for key in SCALARS})
    errors = [[e.row, e.column, e.value, e.message] for e in plan.errors]
    lists: dict[str, list[Any]] = {
        "creates": plan.creates,
        "updates": plan.updates,
        "changes": plan.changes,
        "errors": errors,
    }
    for name, items in lists.items():
        for start in range(0, len(items), LINE_ITEMS):
            yield encoder.encode({name: items[start : start + LINE_ITEMS]})


def decompressed_lines(data: bytes) -> Iterator[str]:
    """The lines of compressed JSON lines, decompressed a piece at a time."""
    unpacker = zlib.decompressobj()
    pending = b""
    view = memoryview(data)
    for start in range(0, len(view), READ_BYTES):
        pending += unpacker.decompress(view[start : start + READ_BYTES])
        *lines, pending = pending.split(b"\n")
        yield from (line.decode("utf-8") for line in lines if line)
    pending += unpacker.flush()
    yield from (line.decode("utf-8") for line in pending.split(b"\n") if line)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while 100k records' objects are built: they hold no
    cycles, and its passes over all of them as they grow took more than half of a plan's decoding."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@gc_paused()
def decode(lines: Iterable[str]) -> Plan:
    lines = iter(lines)
    data = json.loads(next(lines))
    plan = Plan(**{key: data[key] for key in SCALARS if key in data})
    revive = value_reviver(plan.model, plan.fields)
    for part in itertools.chain([data], map(json.loads, lines)):  # one line's records at a time
        plan.creates += [Create(revive(values), links, *rest) for values, links, *rest in part.get("creates", ())]
        plan.updates += [
            Update(pk, revive(values), changed, links, *rest)
            for pk, values, changed, links, *rest in part.get("updates", ())
        ]
        plan.changes += [
            Change(row, action, record, [Diff(*diff) for diff in diffs])
            for row, action, record, diffs in part.get("changes", ())
        ]
        plan.errors += [RowError(*error) for error in part.get("errors", ())]
    return plan


def value_reviver(model: type[models.Model], attnames: list[str]) -> Callable[[Values], Values]:
    """A function turning decoded Values back into stored types (dates, decimals, NewOrganization)."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    typed = [
        (index, by_attname[name])
        for index, name in enumerate(attnames)
        if isinstance(by_attname[name], (models.DateField, models.DecimalField))
    ]
    relations = [index for index, name in enumerate(attnames) if by_attname[name].is_relation]

    def revive(values: Values) -> Values:
        for index, model_field in typed:
            if isinstance(values[index], str):
                values[index] = model_field.to_python(values[index])
        for index in relations:
            if isinstance(values[index], dict):
                values[index] = NewOrganization(values[index]["new"])
        return values

    return revive
