"""Which columns a model's spreadsheet has, their Chinese headers and how each cell is read.

Headers are the fields' verbose names in Chinese; on import the English field names are accepted
too. Relations are written by natural key (see relations.py), choices by their Chinese label.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy

from registry.numbers import AmountField, parse_amount
from registry.validators import id_number_form, validate_id_number

from . import values

HEADER_LANGUAGE = "zh-hans"
# Reads one non-blank cell; ValueError with a reason when it is not a valid value.
Parser = Callable[[Any], Any]
# Bookkeeping fields and source citations are not spreadsheet columns.
SKIPPED_FIELDS = {"id", "created_at", "updated_at", "citations"}


def in_chinese(text: object) -> str:
    with translation.override(HEADER_LANGUAGE):
        return str(text)


# The template guide's example for a text column; typed into a file, it is refused, not imported.
PLACEHOLDER_TEXT = gettext_lazy("(text)")
# Codes of digits that Excel turns into numbers when the column is not text (keeping 15 digits).
CODE_FIELDS = frozenset({"id_number", "credit_code", "phone", "registration_number"})
# Checks a code field gets in its model's clean() rather than as a field validator.
MODEL_CHECKS: dict[str, tuple[Callable[[str], None], ...]] = {"id_number": (validate_id_number,)}


@dataclass
class Column:
    """One spreadsheet column bound to a model field."""

    field: models.Field[Any, Any]
    label: str = ""
    choice_labels: dict[Any, str] = dataclasses.field(default_factory=dict)
    # An amount column is in yuan (the export's unit) or in 万元 (a header such as 合同金额（万元）).
    amount_unit: str = "yuan"

    def __post_init__(self) -> None:
        # Plain attributes, not properties: they are read for every cell of large files.
        model_field = self.field
        self.name = model_field.name
        self.attname = getattr(model_field, "attname", model_field.name)
        # A one-to-one link (a broker's talent, an agency's organization) is a foreign key that is unique.
        self.is_fk = bool(model_field.many_to_one or model_field.one_to_one)
        self.is_m2m = bool(model_field.many_to_many)
        self.is_relation = self.is_fk or self.is_m2m
        self.related_model: Any = model_field.related_model
        self.is_code = self.name in CODE_FIELDS
        validators = list(getattr(model_field, "validators", ()))
        # The length check runs on every text cell; done inline, the validator only words the error.
        self.length_validator = next((v for v in validators if isinstance(v, MaxLengthValidator)), None)
        self.validators = [v for v in validators if v is not self.length_validator]
        self.parser = self.choose_parser()

    @cached_property
    def is_required(self) -> bool:
        """A new record cannot be made without it (no default, not blank)."""
        if self.is_m2m:
            return False
        return not self.field.blank and not self.field.has_default()

    @cached_property
    def choice_lookup(self) -> dict[str, Any]:
        """Chinese label, English label and stored code of each choice, all mapping to the code."""
        lookup: dict[str, Any] = {}
        for code, label in self.field.flatchoices:
            lookup[str(code).lower()] = code
            lookup[in_chinese(label).lower()] = code
            with translation.override("en"):
                lookup[str(label).lower()] = code
        return lookup

    def choose_parser(self) -> Parser:
        # Chosen once per column: isinstance on field classes is slow (AutoField has a metaclass check).
        model_field = self.field
        if model_field.choices:
            return self.parse_choice
        if isinstance(model_field, AmountField):
            return self.parse_amount
        if self.is_code:
            return self.parse_code
        for field_class, parser in PARSERS:
            if isinstance(model_field, field_class):
                return parser
        return self.parse_plain_text

    def parse_choice(self, raw: object) -> Any:
        code = self.choice_lookup.get(values.parse_text(raw).lower())
        if code is None:
            raise ValueError(gettext("not one of the choices"))
        return code

    def parse_plain_text(self, raw: object) -> str:
        text = values.parse_text(raw)
        if text in placeholders():
            raise ValueError(gettext("this is the template's example text, not a value; write the real one"))
        return text

    def parse_code(self, raw: object) -> str:
        text = values.parse_text(raw)
        if values.lost_digits(raw) or (values.rounded_digits(text) and not self.passes_validators(text)):
            raise ValueError(
                gettext(
                    "%(column)s was turned into a number by Excel and its last digits are lost; "
                    "format the column as text and type it again"
                )
                % {"column": self.label}
            )
        if self.name == "id_number":
            return id_number_form(text)  # 1501...123x, spaced or 15 digits: the number as stored
        return text

    def passes_validators(self, value: str) -> bool:
        """Whether a code passes its field's checks (an identity number's are in the model's clean)."""
        try:
            for validator in [*self.validators, *MODEL_CHECKS.get(self.name, ())]:
                validator(value)
        except ValidationError:
            return False
        return True

    def parse_amount(self, raw: object) -> Decimal | None:
        """Yuan from a cell in this column's unit, or in the unit the cell writes (125000元, 12.5万元)."""
        return parse_amount(raw, self.amount_unit)

    def render(self, value: object) -> object:
        """A stored value as it goes into a cell (choice label, 是/否); relations are rendered elsewhere."""
        if value is None:
            return None
        if self.choice_labels:
            return self.choice_labels.get(value, value)
        if isinstance(self.field, models.BooleanField):
            return "是" if value else "否"
        return value


PARSERS: list[tuple[type[models.Field[Any, Any]], Parser]] = [
    (models.BooleanField, values.parse_bool),
    (models.DateField, values.parse_date),
    (models.DecimalField, values.parse_decimal),
    (models.FloatField, values.parse_float),
    (models.IntegerField, values.parse_integer),
]


def columns_for(model: type[models.Model]) -> list[Column]:
    """The model's spreadsheet columns in field order."""
    columns = []
    for model_field in model._meta.get_fields():
        if not isinstance(model_field, models.Field):
            continue  # reverse relations and generic keys
        if model_field.auto_created or not model_field.concrete and not model_field.many_to_many:
            continue
        if model_field.name in SKIPPED_FIELDS or not getattr(model_field, "editable", True):
            continue
        through = model_field.remote_field.through if isinstance(model_field, models.ManyToManyField) else None
        if through is not None and through._meta.auto_created is False:
            continue  # M2M through an explicit model is imported as that model's own sheet
        column = Column(field=model_field, label=in_chinese(model_field.verbose_name))
        if model_field.choices:
            column.choice_labels = {code: in_chinese(label) for code, label in model_field.flatchoices}
        columns.append(column)
    # Inherited notes come first in field order but belong at the end of a sheet.
    columns.sort(key=lambda column: column.name == "notes")
    return columns


def header_index(columns: list[Column]) -> dict[str, Column]:
    """Every accepted header (Chinese label, English verbose name, field name) to its column; an
    amount also under its 万元 label (合同金额（万元）), read in 万元."""
    index: dict[str, Column] = {}
    for column in columns:
        with translation.override("en"):
            english = str(column.field.verbose_name)
        for header in (column.name, english, column.label):
            index[normalise_header(header)] = column
        wan_label = getattr(column.field, "wan_label", None)
        if wan_label:
            in_wan = Column(field=column.field, label=in_chinese(wan_label), amount_unit="wan")
            with translation.override("en"):
                english = str(wan_label)
            for header in (english, in_wan.label):
                index[normalise_header(header)] = in_wan
    return index


def normalise_header(text: object) -> str:
    return values.half_width(str(text or "")).strip().lower().replace(" ", "").rstrip("*")


@cache
def placeholders() -> frozenset[str]:
    """The template's example text in every language of the site."""
    found: set[str] = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(PLACEHOLDER_TEXT))
    return frozenset(found)
