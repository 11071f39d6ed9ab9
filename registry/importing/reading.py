"""Reading an uploaded spreadsheet into a header and rows, refusing unusable or hostile files.

xlsx and xls are read with python-calamine (about ten times faster than openpyxl) in a limited child
process (workbook_process.py); an xlsx is first checked for decompression bombs and for sheets that
reach too far (sheet_limits.py). CSV encodings are detected: UTF-8 (with or without BOM), UTF-16,
GB18030/GBK. Strict UTF-8 is tried before GB18030 because UTF-8 bytes often decode as GB18030 without
error, giving mojibake.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _

from . import sheet_limits, values, workbook_process

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
# An xlsx whose parts expand beyond this, or compress better than the ratio, is refused unread.
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200
RATIO_CHECK_FROM = 10 * 1024 * 1024
# Title rows above the header are looked through this far ("2024年度……登记表", a notes line, a blank).
HEADER_SEARCH_LINES = 10


class UnusableFile(Exception):
    """The file cannot be imported at all; the message says why, in the user's language."""


class Sheet(NamedTuple):
    """One sheet of a workbook (a CSV file is one sheet without a name)."""

    name: str
    rows: list[list[Any]]


class Table(NamedTuple):
    """The header and data rows found in a file, and where: the sheet and the header's line (1-based)."""

    header: list[Any]
    rows: list[list[Any]]
    header_line: int = 1
    sheet: str = ""
    sheets: tuple[str, ...] = ()


def read_table(
    data: bytes, file_name: str = "", header_score: Callable[[Sequence[object]], int] | None = None
) -> Table:
    """The table of a file; trailing blank rows dropped; limits enforced.

    Without `header_score` the first sheet's first row is the header. With it (how many of a row's
    cells name the model's columns), the header is the best-scoring row among the first HEADER_SEARCH_LINES
    of each sheet, so title rows above the header ("2024年度……登记表") and an instruction sheet before
    the data are passed over; the first sheet and the earliest row win a tie."""
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise UnusableFile(
            _("The file is larger than %(limit)d MB.") % {"limit": settings.IMPORT_MAX_UPLOAD_BYTES // 2**20}
        )
    if not data.strip():
        raise UnusableFile(_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        check_zip(data)
        sheets = read_workbook(data)
    elif data.startswith(XLS_MAGIC):
        sheets = read_workbook(data)
    elif file_name.lower().endswith((".xlsx", ".xls", ".xlsm")):
        raise UnusableFile(_("The file is not a valid Excel workbook."))
    else:
        sheets = [Sheet("", read_csv(data))]
    for sheet in sheets:
        while sheet.rows and all(values.is_blank(cell) for cell in sheet.rows[-1]):
            sheet.rows.pop()
    table = find_header(sheets, header_score)
    if len(table.rows) > settings.IMPORT_MAX_ROWS:
        raise UnusableFile(
            _("The file has %(rows)d rows; at most %(limit)d can be imported at once.")
            % {"rows": len(table.rows), "limit": settings.IMPORT_MAX_ROWS}
        )
    return table


def find_header(sheets: list[Sheet], header_score: Callable[[Sequence[object]], int] | None) -> Table:
    """Where the header is (see read_table); UnusableFile naming the sheets read when no row fits."""
    names = tuple(sheet.name for sheet in sheets)
    if header_score is None:
        rows = sheets[0].rows if sheets else []
        if not rows or all(values.is_blank(cell) for cell in rows[0]):
            raise UnusableFile(_("The first row must hold the column headers."))
        return Table(rows[0], rows[1:], 1, names[0] if names else "", names)
    best: tuple[int, int, int] | None = None  # (score, sheet index, line index)
    for sheet_index, sheet in enumerate(sheets):
        for line_index, row in enumerate(sheet.rows[:HEADER_SEARCH_LINES]):
            score = header_score(row)
            if score and (best is None or score > best[0]):
                best = (score, sheet_index, line_index)
    if best is None:
        if any(sheet.rows for sheet in sheets) and any(names):
            raise UnusableFile(
                _(
                    "No column headers of this list were found in the first %(lines)d rows of the sheets read "
                    "(%(sheets)s). Put the header row (the column names of the template) above the data."
                )
                % {"lines": HEADER_SEARCH_LINES, "sheets": "、".join(f"“{name}”" for name in names)}
            )
        raise UnusableFile(_("The first row must hold the column headers."))
    _score, sheet_index, line_index = best
    rows = sheets[sheet_index].rows
    return Table(rows[line_index], rows[line_index + 1 :], line_index + 1, names[sheet_index], names)


def check_zip(data: bytes) -> None:
    """Refuse an xlsx whose compressed parts would expand enormously (a decompression bomb), or
    whose sheets reach further than an import reads (sheet_limits.py)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise UnusableFile(_("The file is not a valid Excel workbook.")) from error
    total = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if total > MAX_UNCOMPRESSED_BYTES or (total > RATIO_CHECK_FROM and total / packed > MAX_RATIO):
        raise UnusableFile(_("The workbook expands to an implausible size and was refused."))
    try:
        sheet_limits.check_xlsx(archive)
    except sheet_limits.TooFar as far:
        raise UnusableFile(too_far_message(far.extent.rows, far.extent.columns)) from far
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error) as error:
        raise UnusableFile(_("The file is not a valid Excel workbook.")) from error


def too_far_message(rows: int, columns: int) -> str:
    return _(
        "The sheet has cells up to row %(row)d and column %(column)d; an import reads at most %(max_rows)d rows, "
        "%(max_columns)d columns and %(max_cells)d cells (rows times columns). Delete the unused rows and columns "
        "after the data (or copy the data into a new workbook) and upload it again."
    ) % {
        "row": rows,
        "column": columns,
        "max_rows": sheet_limits.max_rows(),
        "max_columns": sheet_limits.MAX_COLUMNS,
        "max_cells": sheet_limits.MAX_CELLS,
    }


def read_csv(data: bytes) -> list[list[str]]:
    """The rows of a CSV file; unclosed quotes, giant cells and too many columns are refused."""
    reader = csv.reader(io.StringIO(decode_text(data), newline=""), csv_dialect(data), strict=True)
    rows = []
    shared = workbook_process.SharedValues()
    try:
        for row in reader:
            if len(row) > sheet_limits.MAX_COLUMNS:
                raise UnusableFile(
                    _("Line %(line)d has %(count)d columns; at most %(limit)d can be read.")
                    % {"line": reader.line_num, "count": len(row), "limit": sheet_limits.MAX_COLUMNS}
                )
            rows.append(shared.row(row))
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


def read_workbook(data: bytes) -> list[Sheet]:
    """The sheets' rows, read by calamine in a limited child process (workbook_process.py)."""
    limits = sheet_limits.max_rows(), sheet_limits.MAX_COLUMNS, sheet_limits.MAX_CELLS
    outcome = workbook_process.read_sheets(data, *limits)
    if outcome.kind == "rows" and outcome.sheets is not None:
        # calamine gives "" for empty cells; the rest of the import treats None and "" alike.
        return [Sheet(name, rows) for name, rows in outcome.sheets]
    if outcome.kind == "too_far" and outcome.extent is not None:
        raise UnusableFile(too_far_message(*outcome.extent))
    if outcome.kind == "limits":
        raise UnusableFile(
            _(
                "The workbook needs more memory or time to read than an import allows: it reaches too far or "
                "declares more than it holds. Delete the unused rows and columns after the data (or copy the "
                "data into a new workbook) and upload it again."
            )
        )
    raise UnusableFile(_("The file is not a valid Excel workbook."))


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
