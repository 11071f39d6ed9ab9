"""A minimal streaming xlsx writer for large exports.

One sheet of inline strings, numbers and dates, written row by row straight into the zip: about
three times faster than XlsxWriter's constant-memory mode for 100k-row exports, in constant memory.
Styled workbooks (templates, error reports) use openpyxl instead.
"""

from __future__ import annotations

import datetime
import decimal
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape

EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
# Characters XML 1.0 does not allow; Excel would refuse the file.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'styles" Target="styles.xml"/></Relationships>'
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name, number = "", index + 1
        while number:
            number, remainder = divmod(number - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def text_cell(ref: str, text: str, style: str = "") -> str:
    # XML parsers turn CR into LF; Excel's own escape keeps it.
    text = escape(ILLEGAL.sub("", text)).replace("\r", "_x000D_")
    return f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">{text}</t></is></c>'


def cell(ref: str, value: Any, escape_text: Callable[[str], str]) -> str:
    kind = type(value)
    if kind is str:
        return text_cell(ref, escape_text(value))
    if kind is bool:
        return text_cell(ref, "是" if value else "否")
    if kind is int or kind is float or kind is decimal.Decimal:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind is datetime.date:
        return f'<c r="{ref}" s="1"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
    if kind is datetime.datetime:
        serial = (value.replace(tzinfo=None) - EXCEL_EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    return text_cell(ref, escape_text(str(value)))


def write(
    output: IO[bytes],
    header: Sequence[object],
    rows: Iterable[Sequence[Any]],
    escape_text: Callable[[str], str],
    sheet_title: str = "Sheet1",
) -> int:
    """Write an xlsx of `header` and `rows` to the binary file `output`; the number of rows."""
    letters = column_letters(max(len(header), 1))
    count = 0
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        archive.writestr(
            "xl/workbook.xml",
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<sheets><sheet name="{escape(sheet_title[:31], {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
                "</sheets></workbook>"
            ),
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<cols><col min="1" max="' + str(len(letters)).encode() + b'" width="16" customWidth="1"/></cols>'
                b"<sheetData>"
            )
            titles = "".join(text_cell(f"{letters[i]}1", str(t), ' s="2"') for i, t in enumerate(header))
            sheet.write(f'<row r="1">{titles}</row>'.encode())
            buffer: list[str] = []
            for count, row in enumerate(rows, start=1):
                number = str(count + 1)
                cells = "".join(
                    cell(letters[i] + number, value, escape_text)
                    for i, value in enumerate(row)
                    if value is not None and value != ""
                )
                buffer.append(f'<row r="{number}">{cells}</row>')
                if len(buffer) >= 1000:
                    sheet.write("".join(buffer).encode())
                    buffer = []
            sheet.write("".join(buffer).encode() + b"</sheetData></worksheet>")
    return count
