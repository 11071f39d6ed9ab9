"""Text stays text in the workbooks the registry writes with openpyxl.

openpyxl stores every string that starts with "=" as a formula. The generated workbooks (import
templates with their list sheets, error workbooks, reports) hold names typed by staff and cells
read from uploaded files, so a name such as =HYPERLINK(...) would become a live formula. keep_text
makes such cells plain strings: shown as typed, never run. (Streamed workbooks, importing/xlsx.py,
write inline strings, which are never formulas.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook


def keep_text(workbook: Workbook) -> None:
    """Turn every formula cell of an (ordinary, not write-only) workbook back into its text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
