"""Reading an uploaded spreadsheet into a header and rows, refusing unusable or hostile files.

xlsx and xls are read with python-calamine (about ten times faster than openpyxl); an xlsx is first
checked for decompression bombs. CSV encodings are detected: UTF-8 (with or without BOM), UTF-16,
GB18030/GBK. Strict UTF-8 is tried before GB18030 because UTF-8 bytes often decode as GB18030 without
error, giving mojibake.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from typing import Any

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from . import values

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
# An xlsx whose parts expand beyond this, or compress better than the ratio, is refused unread.
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200
RATIO_CHECK_FROM = 10 * 1024 * 1024
# No registry model has nearly this many columns; wider files are refused before they are laid out.
MAX_COLUMNS = 1000
SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
# A row (<row r="12">) or cell (<c r="B12">) reference in a sheet's XML, with or without a prefix.
SHEET_REFERENCE = re.compile(rb'<(?:\w+:)?(?:row|c)\s(?:[^>]*?\s)?r="([A-Z]{0,3})([0-9]{1,9})"')
SCAN_CHUNK = 1024 * 1024


class UnusableFile(Exception):
    """The file cannot be imported at all; the message says why, in the user's language."""


def read_table(data: bytes, file_name: str = "") -> tuple[list[Any], list[list[Any]]]:
    """(header, rows) of the first sheet; trailing blank rows dropped; limits enforced."""
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise UnusableFile(
            _("The file is larger than %(limit)d MB.") % {"limit": settings.IMPORT_MAX_UPLOAD_BYTES // 2**20}
        )
    if not data.strip():
        raise UnusableFile(_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        check_zip(data)
        rows = read_workbook(data)
    elif data.startswith(XLS_MAGIC):
        rows = read_workbook(data)
    elif file_name.lower().endswith((".xlsx", ".xls", ".xlsm")):
        raise UnusableFile(_("The file is not a valid Excel workbook."))
    else:
        rows = read_csv(data)
    while rows and all(values.is_blank(cell) for cell in rows[-1]):
        rows.pop()
    if not rows or all(values.is_blank(cell) for cell in rows[0]):
        raise UnusableFile(_("The first row must hold the column headers."))
    if len(rows) - 1 > settings.IMPORT_MAX_ROWS:
        raise UnusableFile(
            _("The file has %(rows)d rows; at most %(limit)d can be imported at once.")
            % {"rows": len(rows) - 1, "limit": settings.IMPORT_MAX_ROWS}
        )
    return rows[0], rows[1:]


def check_zip(data: bytes) -> None:
    """Refuse an xlsx whose compressed parts would expand enormously (a decompression bomb), or
    whose sheets reach further than an import can read (check_sheet_extent)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise UnusableFile(_("The file is not a valid Excel workbook.")) from error
    total = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if total > MAX_UNCOMPRESSED_BYTES or (total > RATIO_CHECK_FROM and total / packed > MAX_RATIO):
        raise UnusableFile(_("The workbook expands to an implausible size and was refused."))
    for member in members:
        if SHEET_PART.match(member.filename):
            try:
                check_sheet_extent(archive, member)
            except zipfile.BadZipFile as error:
                raise UnusableFile(_("The file is not a valid Excel workbook.")) from error


def check_sheet_extent(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse a sheet with a cell beyond the rows and columns an import can read.

    The reader lays a sheet out as a full grid from A1 to its last cell, so one cell at
    XFD1048576 in a 1.5 KB file would need some 100 GB. The sheet's XML is scanned for row and
    cell references first, in pieces cut at a tag's start so no reference is split."""
    last_row = last_column = 0
    tail = b""
    with archive.open(member) as part:
        while True:
            chunk = part.read(SCAN_CHUNK)
            text = tail + chunk
            cut = text.rfind(b"<") if chunk else len(text)
            if cut <= 0 and chunk:  # no complete tag yet: read on
                tail = text
                continue
            for match in SHEET_REFERENCE.finditer(text, 0, cut):
                letters, row = match.group(1), int(match.group(2))
                last_row = max(last_row, row)
                if letters:
                    last_column = max(last_column, column_number(letters))
            tail = text[cut:]
            if not chunk:
                break
            if last_row > settings.IMPORT_MAX_ROWS + 1 or last_column > MAX_COLUMNS:
                break
    if last_row > settings.IMPORT_MAX_ROWS + 1 or last_column > MAX_COLUMNS:
        raise UnusableFile(
            _(
                "The sheet has cells up to row %(row)d and column %(column)d; at most %(max_rows)d rows and "
                "%(max_columns)d columns can be read. Delete the unused rows and columns after the data (or "
                "copy the data into a new workbook) and upload it again."
            )
            % {
                "row": last_row,
                "column": last_column,
                "max_rows": settings.IMPORT_MAX_ROWS + 1,
                "max_columns": MAX_COLUMNS,
            }
        )


def column_number(letters: bytes) -> int:
    """Spreadsheet column letters as a number: A is 1, XFD is 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def read_csv(data: bytes) -> list[list[str]]:
    """The rows of a CSV file; unclosed quotes, giant cells and too many columns are refused."""
    reader = csv.reader(io.StringIO(decode_text(data), newline=""), csv_dialect(data), strict=True)
    rows = []
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise UnusableFile(
                    _("Line %(line)d has %(count)d columns; at most %(limit)d can be read.")
                    % {"line": reader.line_num, "count": len(row), "limit": MAX_COLUMNS}
                )
            rows.append(row)
    except csv.Error as error:
        if "field limit" in str(error):
            message = _(
                "Line %(line)d holds a cell of more than %(limit)d characters, longer than any registry field; "
                "check the file's quotes."
            ) % {"line": reader.line_num, "limit": csv.field_size_limit()}
        else:
            message = _(
                'The CSV file cannot be read near line %(line)d: a quote (") is not closed, or text follows a '
                "closing quote. Save the file again from Excel and upload it."
            ) % {"line": reader.line_num}
        raise UnusableFile(message) from error
    return rows


def read_workbook(data: bytes) -> list[list[Any]]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        if sheet.height > settings.IMPORT_MAX_ROWS + 1:
            raise UnusableFile(
                _("The file has %(rows)d rows; at most %(limit)d can be imported at once.")
                % {"rows": sheet.height - 1, "limit": settings.IMPORT_MAX_ROWS}
            )
        rows = sheet.to_python(skip_empty_area=False)
    except UnusableFile:
        raise
    except Exception as error:  # calamine raises several error types for broken files
        raise UnusableFile(_("The file is not a valid Excel workbook.")) from error
    # calamine gives "" for empty cells; the rest of the import treats None and "" alike.
    return [list(row) for row in rows]


def decode_text(data: bytes) -> str:
    """The text of a CSV file in whichever supported encoding fits it cleanly."""
    if data.startswith(codecs.BOM_UTF8):
        return strict(data[3:], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return strict(data, "utf-16")
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM: ASCII characters leave zero bytes on one side.
        sample = data[:4096]
        encoding = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        return strict(data, encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = strict(data, "gb18030")
    if not plausible_chinese(text):
        raise UnusableFile(undecodable_message())
    return text


def strict(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnusableFile(undecodable_message()) from error
    if "\x00" in text:
        raise UnusableFile(undecodable_message())
    return text


def plausible_chinese(text: str) -> bool:
    """GB18030 decodes almost any bytes; real Chinese text is mostly common (GB2312) characters."""
    unusual = 0
    others = 0
    for char in text:
        if char.isascii():
            continue
        others += 1
        category = unicodedata.category(char)
        if category in ("Co", "Cn", "Cc", "Cs"):
            return False
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            unusual += 1
    return unusual <= others * 0.1


def undecodable_message() -> str:
    return _(
        "The file's characters could not be read. Save it from Excel as “CSV UTF-8” or as an "
        "Excel workbook (.xlsx) and upload it again."
    )


def csv_dialect(data: bytes) -> str:
    first_line = data.split(b"\n", 1)[0]
    return "excel-tab" if first_line.count(b"\t") > first_line.count(b",") else "excel"
