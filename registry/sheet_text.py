"""Text stays text in the workbooks the registry writes with openpyxl.

openpyxl stores every string that starts with "=" as a formula. The generated workbooks (import
templates with their list sheets, error workbooks, reports) hold names typed by staff and cells
read from uploaded files, so a name such as =HYPERLINK(...) would become a live formula. These
helpers write such values as plain string cells: shown as typed, never run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openpyxl.cell import WriteOnlyCell

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet


def keep_text(workbook: Workbook) -> None:
    """Turn every formula cell of an (ordinary, not write-only) workbook back into its text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def text_row(sheet: WriteOnlyWorksheet, values: list[Any]) -> list[Any]:
    """A row for a write-only sheet in which text starting with "=" is a string cell."""
    return [text_cell(sheet, value) if isinstance(value, str) and value.startswith("=") else value for value in values]


def text_cell(sheet: WriteOnlyWorksheet, value: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
