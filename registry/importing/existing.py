"""The registered records a file talks about, loaded with a few chunked `__in` queries.

Who a row is: a row holding the model's IDENTIFIED_BY value (a talent's identity number, a
contract's registration number) is the record with that value; when none has it, the one record
with the row's natural key and no such value yet (which the row then fills in), else a new record.
Namesakes with other values are other people. A row without it matches by natural key (several
records: Ambiguous, naming them), or else by a unique column (credit code). Identity numbers match
in any spelling (validators.id_number_spellings). ExistingRecords holds those records as Records
(pk and the plan's attnames), which pk owns each unique value named in the file, and the
current many-to-many links of the records.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from django.db import models

from registry.validators import id_number_form, id_number_spellings

from .columns import Column
from .plan import NewOrganization
from .relations import chunks


class Record:
    """A registered record's pk and values, read as record["pk"] and record[attname]: a row tuple
    behind a name index shared by all of them (a quarter of a dict's size, at 100k records)."""

    __slots__ = ("index", "values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self.values = values
        self.index = index

    def __getitem__(self, name: str) -> Any:
        return self.values[self.index[name]]

    def get(self, name: str, default: Any = None) -> Any:
        position = self.index.get(name)
        return default if position is None else self.values[position]


class ParsedRow(NamedTuple):
    """A row whose cells are all valid: its number, natural key, values by field name, and the
    names of the fields whose cells were blank."""

    number: int
    key: tuple[Any, ...]
    cleaned: dict[str, Any]
    blank: frozenset[str] = frozenset()


class Ambiguous(LookupError):
    """A row names several registered records and says nothing that tells them apart."""

    def __init__(self, candidates: list[Record]) -> None:
        super().__init__(candidates)
        self.candidates = candidates


def spellings(column: Column, value: Any) -> set[Any]:
    """The stored values that mean `value` of a unique column (identity numbers in any spelling)."""
    return id_number_spellings(value) if column.name == "id_number" else {value}


def stored_form(column: Column, stored: Any) -> Any:
    """A stored unique value as the file's cells are read (identity numbers in their one spelling)."""
    return id_number_form(stored) if column.name == "id_number" else stored


class ExistingRecords:
    """Records matched by key or unique value, their owners of unique values, their links."""

    def __init__(self, model: type[models.Model], attnames: list[str]) -> None:
        self.model = model
        self.attnames = attnames
        self.index = {name: position for position, name in enumerate(["pk", *attnames])}
        # Natural key -> the records with it (namesakes: several).
        self.by_key: dict[tuple[Any, ...], list[Record]] = {}
        # The IDENTIFIED_BY column when the file has it (and the user may see it).
        self.identity: Column | None = None
        self.by_pk: dict[int, Record] = {}
        # Unique column name -> {value named in the file: pk of the record holding it}.
        self.owners: dict[str, dict[Any, int]] = {}
        # (many-to-many field name, pk) -> pks linked now.
        self.links: dict[tuple[str, int], set[int]] = {}

    def records(self, **conditions: Any) -> Iterator[Record]:
        rows = self.model._default_manager.filter(**conditions).order_by("pk").values_list("pk", *self.attnames)
        return (Record(row, self.index) for row in rows)

    def load(
        self,
        parsed: list[ParsedRow],
        key_fields: list[models.Field[Any, Any]],
        unique_columns: list[Column],
        many_columns: list[Column],
    ) -> None:
        identified_by = getattr(self.model, "IDENTIFIED_BY", None)
        self.identity = next((column for column in unique_columns if column.name == identified_by), None)
        self.load_by_key(parsed, key_fields)
        self.load_owners(parsed, unique_columns)
        for column in unique_columns:
            missing = {pk for pk in self.owners[column.name].values() if pk not in self.by_pk}
            self.by_pk.update({record["pk"]: record for record in self.load_pks(missing)})
        self.load_links(many_columns, list(self.by_pk))

    def load_by_key(self, parsed: list[ParsedRow], key_fields: list[models.Field[Any, Any]]) -> None:
        first = key_fields[0]
        # A key naming an organization still to be created matches no record.
        firsts = {row.key[0] for row in parsed if not isinstance(row.key[0], NewOrganization)}
        for chunk in chunks(firsts):
            for record in self.records(**{first.attname + "__in_array": chunk}):
                self.by_key.setdefault(tuple(record[f.attname] for f in key_fields), []).append(record)
        self.by_pk = {record["pk"]: record for records in self.by_key.values() for record in records}

    def load_owners(self, parsed: list[ParsedRow], unique_columns: list[Column]) -> None:
        for column in unique_columns:
            wanted = {row.cleaned[column.name] for row in parsed} - {None, ""}
            owners = self.owners[column.name] = {}
            stored = {spelling for value in wanted for spelling in spellings(column, value)}
            for chunk in chunks(stored):
                found = self.model._default_manager.filter(**{column.attname + "__in_array": chunk}).order_by("pk")
                for value, pk in found.values_list(column.attname, "pk"):
                    form = stored_form(column, value)
                    if value == form or form not in owners:  # the value as written first
                        owners[form] = pk

    def load_pks(self, pks: Iterable[int]) -> Iterator[Record]:
        for chunk in chunks(pks):
            yield from self.records(pk__in_array=chunk)

    def load_links(self, many_columns: list[Column], pks: list[int]) -> None:
        for column in many_columns:
            field = column.field
            if not isinstance(field, models.ManyToManyField) or field.remote_field.through is None:
                raise TypeError(f"{column.name} is not a many-to-many column")
            through = field.remote_field.through
            source = field.m2m_field_name() + "_id"
            target = field.m2m_reverse_field_name() + "_id"
            for pk in pks:
                self.links[(column.name, pk)] = set()
            for chunk in chunks(pks):
                rows = through._default_manager.filter(**{source + "__in_array": chunk}).values_list(source, target)
                for owner, other in rows:
                    self.links[(column.name, owner)].add(other)

    def match(self, row: ParsedRow, unique_columns: list[Column], claimed: Collection[int] = ()) -> Record | None:
        """The record a row updates (None: a new one); raises Ambiguous when its natural key names
        several records and nothing else tells them apart. `claimed`: records earlier rows update."""
        namesakes = self.by_key.get(row.key, [])
        identity = self.identity
        if identity is not None and row.cleaned.get(identity.name) not in (None, ""):
            pk = self.owners[identity.name].get(row.cleaned[identity.name])
            if pk is not None:
                return self.by_pk[pk]
            # Otherwise the namesake who has no number yet (the row fills it in); one with another is someone else.
            namesakes = [r for r in namesakes if r[identity.attname] in (None, "") and r["pk"] not in claimed]
            if len(namesakes) > 1:
                raise Ambiguous(namesakes)
            return namesakes[0] if namesakes else None
        if len(namesakes) > 1:
            raise Ambiguous(namesakes)
        if namesakes:
            return namesakes[0]
        for column in unique_columns:
            pk = self.owners[column.name].get(row.cleaned[column.name])
            if pk is not None:
                return self.by_pk[pk]  # matched by credit code
        return None

    def links_of(self, name: str, pk: int) -> set[int]:
        return self.links.get((name, pk), set())
