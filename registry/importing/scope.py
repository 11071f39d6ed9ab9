"""The district scope of an import row, checked on the values the row will have.

A record's districts can run through many-to-many links (a contract belongs to its buyers' and its
sellers' districts). Before a row is written those links are only primary keys in the plan, so the
scope check would read the record's current links: an import could move a contract out of the
user's districts, and a new contract had no links at all. NewLinks turns the row's links into the
records they name (each loaded once per import) for access.in_scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

from .columns import Column
from .relations import chunks


class NewLinks:
    """The records a file's many-to-many cells name, loaded once each."""

    def __init__(self) -> None:
        self.loaded: dict[tuple[type[models.Model], int], models.Model] = {}
        self.asked: set[tuple[type[models.Model], int]] = set()

    def of(self, cleaned: dict[str, Any], many: Sequence[Column]) -> dict[str, list[models.Model]]:
        """Field name -> the records the row links to, for each many-to-many column of the file.
        Organizations still to be created have no district yet and are left out."""
        for column in many:
            model = column.related_model
            self.load(
                model, {pk for pk in cleaned[column.name] if isinstance(pk, int) and (model, pk) not in self.asked}
            )
        return {
            column.name: [
                self.loaded[(column.related_model, pk)]
                for pk in cleaned[column.name]
                if (column.related_model, pk) in self.loaded
            ]
            for column in many
        }

    def load(self, model: type[models.Model], pks: set[int]) -> None:
        self.asked.update((model, pk) for pk in pks)
        for chunk in chunks(pks):
            for record in model._default_manager.filter(pk__in=chunk):
                self.loaded[(model, record.pk)] = record
