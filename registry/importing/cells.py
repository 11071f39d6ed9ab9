"""One cell of a row as the value stored in its field, or the reason it cannot be.

Plain cells are read by the column's parser and checked with the field's own rules (null, blank,
length, validators). Relation cells name records (relations.py); RelatedNames loads every name in
the file at once and, when asked to create missing organizations, answers NewOrganization for an
organization not registered yet.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from registry import access
from registry.models import Organization, Talent

from . import values
from .columns import Column, in_chinese
from .header import BoundColumn
from .plan import NewOrganization
from .relations import Resolver, candidate_names, split_many


class HiddenValueError(ValueError):
    """A cell's value is refused and must not be echoed (it may be someone's personal data)."""


class RelatedNames:
    """The records named in a file's relation cells, loaded with a few queries per column."""

    def __init__(self, create_missing: bool = False, personal_keys: bool = True) -> None:
        self.create_missing = create_missing
        # Without the personal-data permission identity numbers never name a talent (no oracle).
        self.personal_keys = personal_keys
        self.resolvers: dict[type[models.Model], Resolver] = {}
        self.new_organizations: list[str] = []
        # (column name, cell text) -> the names it holds (names_in).
        self.split_cells: dict[tuple[str, str], list[str]] = {}

    def resolver(self, related_model: type[models.Model]) -> Resolver:
        if related_model not in self.resolvers:
            self.resolvers[related_model] = Resolver(related_model, self.personal_keys)
        return self.resolvers[related_model]

    def load(self, bound: list[BoundColumn], rows: Sequence[Sequence[Any]]) -> None:
        """Look up every related record named anywhere in the file."""
        for position, column in bound:
            if not column.is_relation:
                continue
            texts: set[str] = set()
            for row in rows:
                cell = row[position] if position < len(row) else None
                if not values.is_blank(cell):
                    text = values.parse_text(cell)
                    texts.update(candidate_names(text) if column.is_m2m else [text])
            self.resolver(column.related_model).load(texts)

    def names_in(self, text: str, column: Column) -> list[str]:
        """The names of a many-to-many cell (relations.split_many), commas splitting only unknown text;
        worked out once per text and column (files repeat the same buyers and sellers)."""
        cached = self.split_cells.get((column.name, text))
        if cached is None:
            cached = self.split_cells[(column.name, text)] = self.split_names(text, column)
        return cached

    def split_names(self, text: str, column: Column) -> list[str]:
        resolver = self.resolver(column.related_model)

        def known(part: str) -> bool:
            try:
                return resolver.pk_for(part) is not None
            except LookupError:  # a name of several records is one name (value_for says so)
                return True

        return split_many(text, known)

    def value_for(self, text: str, column: Column) -> int | NewOrganization:
        """The pk `text` names; ValueError when it names none or several (unless it may be created)."""
        resolver = self.resolver(column.related_model)
        try:
            pk = resolver.pk_for(text)
        except LookupError:
            raise ValueError(self.ambiguity(text, column, resolver.identities(text))) from None
        if pk is not None:
            return pk
        if not self.personal_keys and access.personal_fields(column.related_model) and values.looks_personal(text):
            raise HiddenValueError(
                _("an identity number or phone does not name a record for you; write “name / employer”")
            )
        if self.create_missing and column.related_model is Organization:
            self.check_creatable(text, column)
            if text not in self.new_organizations:
                self.new_organizations.append(text)
            return NewOrganization(text)
        raise ValueError(
            _("no %(model)s named “%(value)s” was found")
            % {"model": column.related_model._meta.verbose_name, "value": text}
        )

    def ambiguity(self, text: str, column: Column, identities: list[str] | None) -> str:
        """Why a cell naming several records is refused: who they are by their IDENTIFIED_BY value
        (masked for a user who may not see it) and how to name one."""
        model = column.related_model
        details = {"value": text, "model": model._meta.verbose_name_plural}
        if identities is None:
            return _("“%(value)s” matches several %(model)s; write it more precisely") % details
        identified_by = model._meta.get_field(model.IDENTIFIED_BY)
        field = in_chinese(identified_by.verbose_name)
        details.update(count=len(identities), field=field, values="、".join(identities))
        if identified_by.name in access.personal_fields(model) and not self.personal_keys:
            return (
                _(
                    "“%(value)s” matches %(count)d %(model)s (%(field)s: %(values)s); naming one needs its %(field)s, "
                    "so staff with the 个人信息查看 role must import this row"
                )
                % details
            )
        if model is Talent:  # a talent's cell may name them by identity number (relations.Resolver)
            return _("“%(value)s” matches %(count)d %(model)s (%(field)s: %(values)s); write the %(field)s instead") % (
                details
            )
        return _("“%(value)s” matches %(count)d %(model)s (%(field)s: %(values)s); write it more precisely") % details

    def check_creatable(self, text: str, column: Column) -> None:
        """ValueError unless an organization named `text` may be created for this cell: not for a
        many-to-many column (its links are written by key after the records), not over the name's length."""
        if column.is_m2m:
            raise ValueError(
                _(
                    "no organization named “%(value)s” was found; organizations are not created for this column, "
                    "register it first"
                )
                % {"value": text}
            )
        limit = Organization._meta.get_field("name").max_length or 0
        if len(text) > limit:
            raise ValueError(
                _("a new organization's name has at most %(limit)d characters (this one has %(count)d)")
                % {"limit": limit, "count": len(text)}
            )

    def name_of(self, related_model: type[models.Model], pk: int) -> str:
        """The text that named `pk` in the file (the pk itself when the file did not name it)."""
        return self.resolver(related_model).names().get(pk, str(pk))


def clean_cell(raw: object, column: Column, related: RelatedNames) -> Any:
    """The stored value of one cell; ValueError or ValidationError with the reason if it is invalid."""
    model_field = column.field
    if column.is_m2m:
        if values.is_blank(raw):
            return []
        return [related.value_for(text, column) for text in related.names_in(values.parse_text(raw), column)]
    value: Any
    if raw is None or raw == "" or (type(raw) is str and not raw.strip()):
        value = blank_value(model_field)
    elif column.is_fk:
        value = related.value_for(values.parse_text(raw), column)
    else:
        try:
            value = column.parser(raw)
        except (ValueError, decimal.InvalidOperation, OverflowError) as error:
            raise ValueError(str(error) or _("invalid value")) from error
    if column.is_fk:
        if value is None and not model_field.null:
            raise ValueError(_("this column must not be empty"))
        return value
    # What Field.validate() checks, minus the choices (the parser mapped them already).
    if value is None and not model_field.null:
        raise ValidationError(model_field.error_messages["null"])
    if value == "" and not model_field.blank:
        raise ValidationError(model_field.error_messages["blank"])
    if value is None or value == "":
        return value
    length_check = column.length_validator
    if length_check is not None and len(value) > length_check.limit_value:
        length_check(value)
    for validator in column.validators:
        validator(value)
    return value


def blank_value(model_field: models.Field[Any, Any]) -> Any:
    """What an empty cell stores: the default of a required field, "" for text, else None."""
    if model_field.has_default() and not model_field.blank:
        return model_field.get_default()
    if model_field.empty_strings_allowed and not model_field.null:
        return ""
    return None
