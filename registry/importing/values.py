"""Cell values as Chinese Excel writes them: dates, booleans, numbers and text.

Each parser takes what the reader produced (str, int, float, date, datetime or None) and returns a
Python value, or raises ValueError with a Chinese-ready reason (a translated message).
"""

from __future__ import annotations

import datetime
import decimal
import math
import re

from django.utils.translation import gettext as _

EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serials of the years 1900-2200; anything else is surely not a date.
MAX_SERIAL = 110_000
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:0{2}(?::0{2})?)?$")
LONG_INTEGER_FLOAT = re.compile(r"^\d{6,}\.0+$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
NUMBER_PATTERN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# Longer numbers than this are no registry figure; refusing them keeps 1e1000000 cheap.
MAX_NUMBER_CHARS = 40
TRUE_WORDS = {"是", "y", "yes", "true", "1", "t", "对", "√"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "f", "错", "×"}
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets also run a formula whose trigger is full-width or follows spaces and line breaks.
FULL_WIDTH_TRIGGERS = ("＝", "＋", "－", "＠")


SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
# Excel keeps 15 significant digits: a number from 10^15 up has lost the ones after them.
EXACT_DIGITS_BELOW = 10**15


def lost_digits(raw: object) -> bool:
    """Whether a code cell (identity number, credit code) holds what Excel made of a long number:
    a number of 16 or more digits, or its text in scientific notation (1.50102E+17)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return abs(raw) >= EXACT_DIGITS_BELOW
    return isinstance(raw, str) and bool(SCIENTIFIC.match(raw.strip()))


def rounded_digits(text: str) -> bool:
    """Whether a code reads like the text Excel shows for a long number it keeps (15 digits, then zeros:
    150102199001011000); only then a failed check is put down to Excel."""
    return len(text) > 15 and text.isdigit() and not text[15:].strip("0")


PERSONAL_NUMBER = re.compile(r"^\+?[\d\s()-]{7,}[\dXx]$")


def looks_personal(text: str) -> bool:
    """Whether a cell naming a record reads like an identity number or a phone number (digits,
    perhaps spaced, a final X), which users without the personal-data permission never look up."""
    return bool(PERSONAL_NUMBER.match(half_width(text).strip()))


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take `text` for a formula (our exports escape such text)."""
    return text.startswith(FORMULA_TRIGGERS) or text.lstrip(" \t\r\n").startswith(
        FORMULA_TRIGGERS + FULL_WIDTH_TRIGGERS
    )


FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
FULL_WIDTH[0x3000] = 0x20
FULL_WIDTH_CHARS = re.compile("[\uff01-\uff5e\u3000]")


def is_blank(value: object) -> bool:
    return value is None or value == "" or (type(value) is str and not value.strip())


def half_width(text: str) -> str:
    """Full-width ASCII (１２３，ＡＢＣ) as ordinary characters."""
    return text.translate(FULL_WIDTH)


def parse_text(value: object) -> str:
    """Text of a cell; whole-number floats lose the '.0' that .xls adds, codes lose full width."""
    if type(value) is str and value[:1] != "'":
        text = value.strip()
        if text.isascii():  # the common case, kept fast
            return text.split(".")[0] if text.endswith(".0") and LONG_INTEGER_FLOAT.match(text) else text
        if not FULL_WIDTH_CHARS.search(text):  # Chinese text: what the general case below gives, sooner
            return text.split(".")[0] if text.endswith("0") and LONG_INTEGER_FLOAT.match(text) else text
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(_("not a finite number"))
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text[:1] == "'" and looks_like_formula(text[1:]):
        return text[1:]  # our own export escaped a formula trigger; the value is what follows
    text = text.strip()
    if LONG_INTEGER_FLOAT.match(text):
        return text.split(".")[0]  # 13900000000.0 as an .xls saved through CSV writes it
    if not FULL_WIDTH_CHARS.search(text):
        return text
    converted = half_width(text)
    # Only text made entirely of ASCII after conversion (phone numbers, codes) is converted:
    # full-width brackets in a Chinese organization name stay as they are.
    return converted if converted.isascii() else text


def number_text(value: object) -> str:
    """Normalised digits of a number cell: full width, thousands separators and spaces removed."""
    if isinstance(value, bool):
        raise ValueError(_("not a number"))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(_("not a finite number"))
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, int):
        return str(value)
    text = half_width(str(value)).strip()
    if len(text) > MAX_NUMBER_CHARS * 2:
        raise ValueError(_("number too long"))
    text = re.sub(r"[\s,，_']", "", text)
    if len(text) > MAX_NUMBER_CHARS or not NUMBER_PATTERN.match(text):
        raise ValueError(_("not a number"))
    return text


def parse_integer(value: object) -> int:
    text = number_text(value)
    number = decimal.Decimal(text)
    if number != number.to_integral_value():
        raise ValueError(_("not a whole number"))
    return int(number)


def parse_decimal(value: object) -> decimal.Decimal:
    return decimal.Decimal(number_text(value))


def parse_float(value: object) -> float:
    return float(number_text(value))


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = half_width(str(value)).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("use 是 or 否 (also Y/N, true/false, 1/0)"))


def serial_to_date(serial: float) -> datetime.date:
    if not (1 <= serial < MAX_SERIAL):
        raise ValueError(_("not a date"))
    return EXCEL_EPOCH + datetime.timedelta(days=int(serial))


def parse_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise ValueError(_("not a date"))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(_("not a date"))
        return serial_to_date(value)
    text = half_width(str(value)).strip()
    match = DATE_PATTERN.match(text) or COMPACT_DATE.match(text)
    try:
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
        if re.fullmatch(r"\d{1,6}(\.0+)?", text):
            return serial_to_date(float(text))
    except ValueError:
        pass
    raise ValueError(_("not a date; write it like 2024-01-05"))
