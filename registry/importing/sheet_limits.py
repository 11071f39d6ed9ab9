"""How far an uploaded workbook's sheets reach, and how far an import reads.

calamine lays each sheet out as one dense grid from A1 to its last cell: a workbook with one cell at
XFD1048576 needs some 17 billion cells. Before an xlsx is read, each sheet's declared range (its
<dimension>, which Excel and WPS keep as the used range) is compared with the limits, and a sheet
declaring more is scanned cell by cell, so a stray cell far away is refused with the row and column it
is in. Files that declare less than they hold, or nothing, are read in the limited child process
(workbook_process.py), which refuses them if they need too much.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings

# No registry model has nearly this many columns; wider sheets are refused before they are laid out.
MAX_COLUMNS = 1000
# Rows x columns of the grid a sheet is laid out in (calamine takes 32 bytes a cell, so about 320 MB):
# the largest import (IMPORT_MAX_ROWS rows of the widest model) fits several times over.
MAX_CELLS = 10_000_000
SCAN_CHUNK = 1024 * 1024
# No row or cell tag of a real workbook is nearly this long.
LONGEST_TAG = 64 * 1024

# A row or cell tag (start, end or empty; any namespace prefix) with its attributes, whose quoted values
# may hold ">". When the tag does not end before the text does, the match runs to the end of the text
# instead (no "attributes" group): the rest of the tag is in the next piece of the part.
XML_TAG = re.compile(
    rb"""<(?P<end>/?)(?:[^\s/<>:"'=]+:)?(?P<name>row|c)(?=[\s/>])"""
    rb"""(?:(?P<attributes>(?:[^>"']|"[^"]*"|'[^']*')*)>|.*\Z)""",
    re.DOTALL,
)
# A sheet's declared range, near its start: <dimension ref="A1:XFD1048576"/>.
DIMENSION = re.compile(rb"""<(?:[^\s/<>:"'=]+:)?dimension\s(?:[^>]*?\s)?ref\s*=\s*["']([^"']*)["']""")
HEAD = 64 * 1024
# The start of a tag whose name is cut off at the end of a piece of text.
CUT_TAG_NAME = re.compile(rb"<[^\s<>]{0,40}\Z")
# The r="B12" attribute, whole attributes before it skipped (an "r=" inside another value is not it).
REFERENCE_ATTRIBUTE = re.compile(rb"""(?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*?\s+r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
CELL_REFERENCE = re.compile(rb"([A-Za-z]*)([0-9]+)")
# Longer references are further than any limit (and int() refuses thousands of digits).
FAR = 10**12


@dataclass
class Extent:
    """The last row and column (1-based) of a sheet's cells so far; add() raises TooFar beyond the limits."""

    rows: int = 0
    columns: int = 0

    def __post_init__(self) -> None:
        self.limits = (max_rows(), MAX_COLUMNS, MAX_CELLS)  # read once: add() runs for every cell

    def add(self, row: int, column: int) -> None:
        if row > self.rows:
            self.rows = row
        if column > self.columns:
            self.columns = column
        limit_rows, limit_columns, limit_cells = self.limits
        if self.rows > limit_rows or self.columns > limit_columns or self.rows * self.columns > limit_cells:
            raise TooFar(self)


class TooFar(Exception):
    """A sheet reaches beyond the rows, columns or cells an import reads."""

    def __init__(self, extent: Extent) -> None:
        super().__init__(extent)
        self.extent = extent


def max_rows() -> int:
    """Rows a sheet may reach: the header and IMPORT_MAX_ROWS rows of data."""
    rows: int = settings.IMPORT_MAX_ROWS + 1
    return rows


def fits(rows: int, columns: int) -> bool:
    return rows <= max_rows() and columns <= MAX_COLUMNS and rows * columns <= MAX_CELLS


def check_xlsx(archive: zipfile.ZipFile) -> None:
    """Raise TooFar when a sheet of the workbook reaches too far. Every XML part is looked at (sheets are
    found through the workbook's relationships, whatever their names); one declaring a range beyond the
    limits is scanned, where empty formatted cells far away do not count (calamine skips them too)."""
    for member in archive.infolist():
        if not member.filename.lower().endswith(".xml"):
            continue
        with archive.open(member) as part:
            declared = declared_extent(part.read(HEAD))
        if declared is not None and not fits(*declared):
            with archive.open(member) as part:
                check_xml_part(part)


def declared_extent(head: bytes) -> tuple[int, int] | None:
    """(rows, columns) a sheet part's <dimension> declares, or None."""
    found = DIMENSION.search(head)
    if found is None:
        return None
    last = reference_of(b' r="' + found.group(1).rsplit(b":", 1)[-1].replace(b"$", b"") + b'"')
    return (last[0] + 1, max(last[1], 0) + 1) if last else None


def check_xml_part(part: IO[bytes]) -> None:
    """Follow a part's rows and cells the way calamine does: a cell without a reference is the one after
    the previous cell, a row without one the one after the previous row; an empty <c/> is no cell."""
    extent = Extent()
    row_index = column_index = 0  # 0-based, as calamine counts
    for is_end, name, attributes in xml_tags(part):
        position = reference_of(attributes)
        if name == b"c":
            if is_end:
                continue
            row, column = position if position and position[1] >= 0 else (row_index, column_index)
            column_index = column + 1
            if not attributes.endswith(b"/"):
                extent.add(row + 1, column + 1)
        else:
            if not is_end and position:
                row_index = position[0]
            if is_end or attributes.endswith(b"/"):
                row_index, column_index = row_index + 1, 0


def xml_tags(part: IO[bytes]) -> Iterator[tuple[bool, bytes, bytes]]:
    """(is an end tag, name, attributes) of each row and cell tag of a part, read in pieces; a tag cut
    by a piece's end is read whole with the next piece."""
    pending = b""
    while True:
        piece = part.read(SCAN_CHUNK)
        text = pending + piece
        pending = b""
        position = 0
        for match in XML_TAG.finditer(text):
            attributes = match.group("attributes")
            if attributes is None:  # the tag runs past this piece
                pending = text[match.start() :] if piece and len(text) - match.start() < LONGEST_TAG else b""
                break
            position = match.end()
            yield bool(match.group("end")), match.group("name"), b" " + attributes.strip()
        else:
            cut = CUT_TAG_NAME.search(text, position)
            if cut is not None and piece:
                pending = text[cut.start() :]
        if not piece:
            return


def reference_of(attributes: bytes) -> tuple[int, int] | None:
    """(row, column), 0-based, of a tag's r attribute (B12, or xfd1048576: calamine takes either case;
    column -1 when it names a row only); None without one."""
    found = REFERENCE_ATTRIBUTE.match(attributes)
    if found is None:
        return None
    parsed = CELL_REFERENCE.fullmatch(found.group(1) if found.group(1) is not None else found.group(2))
    if parsed is None or not parsed.group(2).strip(b"0"):
        return None  # calamine refuses the file
    letters, digits = parsed.groups()
    row = int(digits) if len(digits) <= 12 else FAR
    column = 0
    for letter in letters.upper()[:8]:
        column = column * 26 + letter - 64
    return row - 1, column - 1
