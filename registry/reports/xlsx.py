"""A report table as an xlsx workbook holding exactly the numbers shown on screen."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Font

from registry.sheet_text import keep_text

if TYPE_CHECKING:
    from .tables import Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_workbook(table: Table) -> bytes:
    """Title, header, body rows, total row and note; amounts stay numbers (万元, two decimals)."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = table.title[:31]
    sheet.append([table.title])
    sheet.append(table.header)
    for row in table.rows:
        sheet.append(row)
    sheet.append(table.total)
    if table.note:
        sheet.append([table.note])
    bold = Font(bold=True)
    for cell in (*sheet[1], *sheet[2], *sheet[len(table.rows) + 3]):
        cell.font = bold
    for line in sheet.iter_rows(min_row=3):
        for value in line:
            if (value.column or 0) > 1 and not isinstance(value.value, int):
                value.number_format = "0.00"
    sheet.column_dimensions["A"].width = 24
    keep_text(book)
    output = BytesIO()
    book.save(output)
    return output.getvalue()
