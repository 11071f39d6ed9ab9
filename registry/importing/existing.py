"""The registered records a file talks about, loaded with a few chunked `__in` queries.

A row matches a record by its natural key, or else by a unique column (identity number, credit
code). ExistingRecords holds those records as value dicts (pk and the plan's attnames), which pk
owns each unique value named in the file, and the current many-to-many links of the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from django.db import models

from .columns import Column
from .plan import NewOrganization
from .relations import chunks

# A registered record as {"pk": ..., attname: value, ...}.
Record = dict[str, Any]


class ParsedRow(NamedTuple):
    """A row whose cells are all valid: its number, natural key, values by field name, and the
    names of the fields whose cells were blank."""

    number: int
    key: tuple[Any, ...]
    cleaned: dict[str, Any]
    blank: frozenset[str] = frozenset()


class ExistingRecords:
    """Records matched by key or unique value, their owners of unique values, their links."""

    def __init__(self, model: type[models.Model], attnames: list[str]) -> None:
        self.model = model
        self.attnames = attnames
        self.by_key: dict[tuple[Any, ...], Record] = {}
        self.by_pk: dict[int, Record] = {}
        # Unique column name -> {value named in the file: pk of the record holding it}.
        self.owners: dict[str, dict[Any, int]] = {}
        # (many-to-many field name, pk) -> pks linked now.
        self.links: dict[tuple[str, int], set[int]] = {}

    def values(self) -> models.QuerySet[Any, dict[str, Any]]:
        return self.model._default_manager.order_by().values("pk", *self.attnames)

    def load(
        self,
        parsed: list[ParsedRow],
        key_fields: list[models.Field[Any, Any]],
        unique_columns: list[Column],
        many_columns: list[Column],
    ) -> None:
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
            for record in self.values().filter(**{first.attname + "__in": chunk}):
                self.by_key[tuple(record[f.attname] for f in key_fields)] = record
        self.by_pk = {record["pk"]: record for record in self.by_key.values()}

    def load_owners(self, parsed: list[ParsedRow], unique_columns: list[Column]) -> None:
        for column in unique_columns:
            wanted = {row.cleaned[column.name] for row in parsed} - {None, ""}
            owners = self.owners[column.name] = {}
            for chunk in chunks(wanted):
                found = self.model._default_manager.filter(**{column.attname + "__in": chunk})
                owners.update(found.values_list(column.attname, "pk"))

    def load_pks(self, pks: Iterable[int]) -> Iterator[Record]:
        for chunk in chunks(pks):
            yield from self.values().filter(pk__in=chunk)

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
                rows = through._default_manager.filter(**{source + "__in": chunk}).values_list(source, target)
                for owner, other in rows:
                    self.links[(column.name, owner)].add(other)

    def match(self, row: ParsedRow, unique_columns: list[Column]) -> Record | None:
        """The record a row updates: by natural key, else by a unique value it names."""
        target = self.by_key.get(row.key)
        if target is None:
            for column in unique_columns:
                pk = self.owners[column.name].get(row.cleaned[column.name])
                if pk is not None:
                    target = self.by_pk[pk]  # matched by identity number / credit code
        return target

    def links_of(self, name: str, pk: int) -> set[int]:
        return self.links.get((name, pk), set())
