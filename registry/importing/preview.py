"""How the preview shows a change: old and new values as text, related records by name, not by pk."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models

from .cells import RelatedNames
from .header import BoundColumn
from .plan import Change, Diff, NewOrganization
from .relations import display_map


def display(model: type[models.Model], value: Any, name: str, related: RelatedNames) -> Any:
    """A cleaned value of field `name` for people: related records by the text that named them."""
    if isinstance(value, NewOrganization):
        return value.name
    model_field = model._meta.get_field(name)
    if model_field.is_relation and value is not None:
        related_model = model_field.related_model
        if not isinstance(related_model, type):
            return value
        if isinstance(value, list):
            return "；".join(
                item.name if isinstance(item, NewOrganization) else related.name_of(related_model, item)
                for item in value
            )
        return related.name_of(related_model, value)
    return value


def name_related_values(
    model: type[models.Model], changes: list[Change], bound: list[BoundColumn], related: RelatedNames
) -> None:
    """Rewrite the diffs of `changes` as text (choices by their Chinese labels, 是/否); old related
    records are named in one query per model."""
    relations = {column.label: column for _, column in bound if column.is_relation}
    plain = {column.label: column for _, column in bound if not column.is_relation}
    wanted: dict[type[models.Model], set[int]] = {}
    for change in changes:
        for diff in change.diffs:
            column = relations.get(diff.label)
            if column is not None:
                wanted.setdefault(column.related_model, set()).update(pk for pk in as_list(diff.old) if pk is not None)
    names = {model: display_map(model, pks) for model, pks in wanted.items()}
    for change in changes:
        for index, diff in enumerate(change.diffs):
            column = relations.get(diff.label)
            if column is None:
                shown = plain.get(diff.label)
                old, new = (diff.old, diff.new) if shown is None else (shown.render(diff.old), shown.render(diff.new))
                change.diffs[index] = Diff(diff.label, describe(old), describe(new))
                continue
            old = "；".join(names[column.related_model].get(pk, "") for pk in as_list(diff.old) if pk is not None)
            new = describe(display(model, diff.new, column.name, related))
            change.diffs[index] = Diff(diff.label, old, new)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def describe(value: Any) -> str:
    if isinstance(value, (datetime.date, decimal.Decimal)):
        return str(value)
    return "" if value is None else str(value)
