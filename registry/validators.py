"""Checks for the identifiers and values the bureau's records carry.

Pure functions raising ValidationError with Chinese messages (English msgids) that name the
field's value; the model fields and the spreadsheet import both use them.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# GB 32100-2015: 31 characters (no I, O, Z, S, V), weights 3^(i-1) mod 31.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# The last character is only compared with the computed one, so a typo there (91350100M000100Y4Z)
# is reported as a wrong check character naming the right one, not as a format error.
CREDIT_CODE_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{9}[0-9A-Z]$")

# GB 11643-1999, ISO 7064 MOD 11-2: weights 2^(18-i) mod 11, check "10X98765432"[sum mod 11].
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
ID_CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_PATTERN = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Unified social credit code (统一社会信用代码): format and GB 32100 check character."""
    code = (value or "").strip().upper()
    if not CREDIT_CODE_PATTERN.match(code):
        raise ValidationError(
            _(
                "“%(value)s” is not a unified social credit code: it must be 18 characters, "
                "digits and capital letters except I, O, Z, S and V."
            ),
            code="credit_code_format",
            params={"value": value},
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "Unified social credit code “%(value)s” has a wrong check character: "
                "the last character should be %(expected)s."
            ),
            code="credit_code_check",
            params={"value": value, "expected": expected},
        )


def id_number_check_char(first17: str) -> str:
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def birth_date_from_id_number(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except (ValueError, IndexError):
        return None


def validate_id_number(value: str) -> None:
    """Resident identity number (GB 11643, also residence permits and new PR cards).

    Checks the MOD 11-2 check digit and that positions 7-14 are a real birth date not in the
    future. The area code is not checked against a table: real numbers carry codes that no
    longer exist (python-stdnum rejects such numbers; see ../shared/docs/domain.md).
    """
    number = (value or "").strip().upper()
    if not ID_PATTERN.match(number):
        raise ValidationError(
            _("“%(value)s” is not an identity number: it must be 17 digits followed by a digit or X."),
            code="id_number_format",
            params={"value": value},
        )
    birth = birth_date_from_id_number(number)
    if birth is None or birth > datetime.date.today() or birth.year < 1880:
        raise ValidationError(
            _("Identity number “%(value)s” does not hold a real birth date (positions 7 to 14)."),
            code="id_number_birth_date",
            params={"value": value},
        )
    expected = id_number_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("Identity number “%(value)s” has a wrong check digit: the last character should be %(expected)s."),
            code="id_number_check",
            params={"value": value, "expected": expected},
        )


def canonical_id_number(value) -> str:
    """An identity number written the one way: half-width, without spaces or hyphens, upper case; a
    15-digit first-generation number becomes its 18-digit form (19 before the year, check digit added).
    Numbers of other documents (passports) are only cleaned, not converted."""
    text = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(value or ""))).upper()
    if len(text) == 15 and text.isdigit():
        first17 = text[:6] + "19" + text[6:]
        text = first17 + id_number_check_char(first17)
    return text


def id_number_form(value) -> str:
    """The identity number as stored: canonical_id_number when that is a resident identity number
    (lower-case x, spaces, 15 digits written another way), else the text as written, trimmed."""
    canonical = canonical_id_number(value)
    return canonical if ID_PATTERN.match(canonical) else str(value or "").strip()


def id_number_spellings(number: str) -> set[str]:
    """The ways a stored identity number may write `number` (an id_number_form): itself, with a
    lower-case x, and the 15-digit first-generation form of a number born in the 1900s."""
    spellings = {number, number.lower()}
    if ID_PATTERN.match(number) and number[6:8] == "19":
        spellings.add(number[:6] + number[8:17])
    return spellings


def canonical_credit_code(value) -> str:
    """A unified social credit code written the one way: half-width, without spaces, upper case."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value or ""))).upper()


def validate_phone(value: str) -> None:
    """Mainland mobile number (11 digits) or landline with area code (0471-1234567)."""
    phone = re.sub(r"[\s()（）]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not (MOBILE_PATTERN.match(phone) or LANDLINE_PATTERN.match(phone)):
        raise ValidationError(
            _(
                "“%(value)s” is not a phone number: use an 11-digit mobile number "
                "or a landline with area code such as 0471-1234567."
            ),
            code="phone",
            params={"value": value},
        )


def validate_division_code(value: str) -> None:
    if not re.fullmatch(r"\d{6}", value or ""):
        raise ValidationError(
            _("“%(value)s” is not a six-digit GB/T 2260 division code."),
            code="division_code",
            params={"value": value},
        )


@dataclass(frozen=True)
class DateOrder:
    """The rule that the date `end` is not before (strict: is after) the date `start` of a record.

    Declared once per model and used twice: `constraint()` in Meta.constraints keeps bad rows out of
    the database whatever writes them, `check(record)` in clean() shows the same message next to
    the `end` field. A missing date satisfies the rule."""

    start: str
    end: str
    name: str  # the constraint's name in the database
    message: StrOrPromise
    strict: bool = False

    def constraint(self) -> models.CheckConstraint:
        later = {f"{self.end}__{'gt' if self.strict else 'gte'}": models.F(self.start)}
        return models.CheckConstraint(
            condition=models.Q(**{f"{self.end}__isnull": True})
            | models.Q(**{f"{self.start}__isnull": True})
            | models.Q(**later),
            name=self.name,
            violation_error_message=self.message,
        )

    def check(self, record: models.Model) -> None:
        start, end = getattr(record, self.start), getattr(record, self.end)
        if start is not None and end is not None and (end <= start if self.strict else end < start):
            raise ValidationError({self.end: self.message})
