"""The header row of a file: which column of the model each header names.

Chinese labels, English verbose names and field names are accepted (columns.header_index). The
error column of our own error workbook is skipped, so a corrected error workbook can be uploaded as
it is. Personal-data columns of a user who may not see personal data are ignored and listed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext as _

from . import values
from .columns import Column, header_index, normalise_header
from .plan import RowError

IGNORED_HEADERS = {"错误", "errors"}


class BoundColumn(NamedTuple):
    """A model column and the position of its cells in each row."""

    position: int
    column: Column


class Header(NamedTuple):
    """The bound columns, the ignored personal-data columns (labels) and the header's errors."""

    bound: list[BoundColumn]
    ignored: list[str]
    errors: list[RowError]


def key_field_names(model: type[models.Model]) -> list[str]:
    """Fields of the model that make up its natural key (talent__name -> talent)."""
    names: list[str] = []
    for path in getattr(model, "NATURAL_KEY", ()):
        name = path.split("__")[0]
        if name not in names:
            names.append(name)
    return names


def header_score(columns: list[Column]) -> Callable[[Sequence[object]], int]:
    """How many of the columns a row's cells name: how reading.read_table finds the header row."""
    index = header_index(columns)

    def score(row: Sequence[object]) -> int:
        named = (index.get(normalise_header(cell)) for cell in row if not values.is_blank(cell))
        return len({column.name for column in named if column is not None})

    return score


def bind_header(
    model: type[models.Model], columns: list[Column], hidden: set[str], header: Sequence[object], line: int = 1
) -> Header:
    """Bind every usable header to its column; unknown, repeated and missing columns are errors of
    the header's line."""
    index = header_index(columns)
    result = Header([], [], [])
    seen: dict[str, int] = {}
    for position, title in enumerate(header):
        if values.is_blank(title) or str(title).strip() in IGNORED_HEADERS:
            continue
        column = index.get(normalise_header(title))
        if column is None:
            result.errors.append(RowError(line, str(title), "", _("unknown column")))
        elif column.name in seen:
            result.errors.append(RowError(line, str(title), "", _("the column appears twice")))
        else:
            seen[column.name] = position
            if column.name in hidden:
                result.ignored.append(column.label)
            else:
                result.bound.append(BoundColumn(position, column))
    key_names = key_field_names(model)
    for column in columns:
        key_needed = column.name in key_names and not column.field.null
        if column.name not in seen and (column.is_required or key_needed):
            result.errors.append(RowError(line, column.label, "", _("required column is missing")))
    return result
