"""Numbers as staff read and write them: plain decimals ("15", not "15.0000") and amounts in 万元.

Amounts are stored in yuan (DecimalField, two decimals). Staff read them in 万元 everywhere and may
type either unit: a bare number is 万元, a number ending in 元 (without 万) is yuan, "万"/"万元" says
万元 explicitly. Thousands separators (, ，) and spaces are ignored.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

TEN_THOUSAND = Decimal(10_000)
CENT = Decimal("0.01")
WAN_PLACES = Decimal("0.000001")  # 万元 to the yuan cent: 0.01 yuan = 0.000001 万元
UNIT = re.compile(r"(万元|万|元)$")


def plain(value: object) -> str:
    """A decimal without trailing zeros or exponent: 15.0000 -> "15", 0.5000 -> "0.5"; "" for None."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def report_number(value: object) -> str:
    """One format for every report cell: counts as integers, amounts (万元) with two decimals."""
    if isinstance(value, Decimal):
        return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}"
    return "" if value is None else str(value)


def wan(yuan: Decimal | int | float | str | None) -> Decimal | None:
    """Yuan as 万元, to the cent of a yuan (None stays None)."""
    if yuan is None:
        return None
    return (Decimal(yuan) / TEN_THOUSAND).quantize(WAN_PLACES, rounding=ROUND_HALF_UP)


def wan_text(yuan: Decimal | int | float | str | None) -> str:
    """An amount in yuan written in 万元 with two decimals, as the reports show it ("12.35")."""
    if yuan is None:
        return ""
    return f"{(Decimal(yuan) / TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP):f}"


def parse_amount(text: object, default_unit: str = "wan") -> Decimal | None:
    """Yuan from what staff typed: "12.5" (万元 unless default_unit is "yuan"), "125000元", "12.5万元"."""
    cleaned = re.sub(r"[\s,，]", "", str(text or ""))
    if not cleaned:
        return None
    unit = UNIT.search(cleaned)
    number = cleaned[: unit.start()] if unit else cleaned
    in_yuan = (unit.group(1) == "元") if unit else default_unit == "yuan"
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise ValueError(
            _("“%(value)s” is not an amount; write e.g. 12.5 (万元) or 125000元") % {"value": text}
        ) from None
    if not value.is_finite():
        raise ValueError(_("“%(value)s” is not an amount; write e.g. 12.5 (万元) or 125000元") % {"value": text})
    yuan = value if in_yuan else value * TEN_THOUSAND
    return yuan.quantize(CENT, rounding=ROUND_HALF_UP)


class WanYuanInput(forms.TextInput):
    """A text box showing an amount stored in yuan as 万元 (plain: 12.5, not 12.500000)."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, (Decimal, int, float)):
            return plain(wan(value))
        return super().format_value(value)


class WanYuanFormField(forms.DecimalField):
    """An amount entered in 万元 (or in 元 with the unit written); cleaned to yuan for the model."""

    widget = WanYuanInput

    def __init__(self, *, max_digits: int | None = None, decimal_places: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("In 万元; to enter yuan, write the unit, e.g. 125000元."))
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)
        self.localize = False

    # django-stubs give DecimalField the to_python of IntegerField (int); this one cleans to Decimal.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from error

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "decimal"}


class PlainNumberInput(forms.NumberInput):
    """A number box without the trailing zeros of a four-decimal column (15, not 15.0000)."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            return plain(value)
        return super().format_value(value)


class AmountField(models.DecimalField):
    """An amount of money stored in yuan and entered and shown in 万元 (`wan_label` names it so)."""

    def __init__(self, *args: Any, wan_label: _StrOrPromise | None = None, **kwargs: Any) -> None:
        self.wan_label = wan_label
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.wan_label is not None:
            kwargs["wan_label"] = self.wan_label
        return name, path, args, kwargs

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        label = capfirst(self.wan_label) if self.wan_label else None
        # Keywords only: Django's DecimalField.formfield takes no positional arguments.
        options: dict[str, Any] = {"form_class": form_class or WanYuanFormField, "label": label, **kwargs}
        if choices_form_class is not None:
            options["choices_form_class"] = choices_form_class
        return super().formfield(**options)
