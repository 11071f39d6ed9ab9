"""Issue 13 points 15 and 16 (the reader): hostile and broken files are refused at once, clearly.

A 1.5 KB xlsx with one cell at XFD1048576 made the reader lay out a 100 GB grid and abort the worker;
a CSV cell over 131,072 characters, an unclosed quote or 18,279 columns gave tracebacks (or read
garbage). Written as one would attack the check: the same far cell spelled in every way calamine
still reads, sheets where the check did not look, and xls files (a compound file of a few KB) whose
records make calamine reserve, loop or panic. Each of those used to abort or crash the process that
reads it; now it is refused with a message and the worker lives on.
"""

import io
import pickle
import re
import struct
import subprocess
import zipfile
from unittest import mock

from django.test import SimpleTestCase, override_settings
from openpyxl import Workbook

from registry.importing import reading, workbook_process

FAR = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
NEEDS_TOO_MUCH = "超出了导入允许的范围"
REACHES = "一直用到第"


def far_cell_workbook(cell="XFD1048576") -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet["A1"] = "名称"
    sheet["A2"] = "某单位"
    sheet[cell] = "x"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def rewritten(data: bytes, change) -> bytes:
    """The xlsx `data` with each part passed through change(name, content) -> (name, content)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(*change(member.filename, source.read(member)))
    return output.getvalue()


def with_sheet_data(extra: bytes, declared: str = "A1:A3") -> bytes:
    """A small workbook whose sheet gets `extra` at the end of its sheetData and declares the range
    `declared` (Excel keeps <dimension> as the used range; a crafted file says what it likes)."""

    def change(name, content):
        if name == "xl/worksheets/sheet1.xml":
            content = content.replace(b"</sheetData>", extra + b"</sheetData>")
            # openpyxl writes <dimension ref="A1:A3"/> with lxml installed and "... />" without it.
            wanted = f'<dimension ref="{declared}"/>'.encode()
            content, count = re.subn(rb'<dimension ref="A1:A3"\s*/>', wanted, content)
            assert count == 1, "the sheet declares no range to change"
        return name, content

    return rewritten(far_cell_workbook("A3"), change)


def record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def biff_workbook(*sheet_records: bytes, boundsheet_offset: int | None = None) -> bytes:
    """A BIFF8 Workbook stream: globals naming one sheet, then that sheet with the given records."""
    bof = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0206))
    sheet_bof = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x0206))

    def globals_part(offset):
        sheet = record(0x0085, struct.pack("<IBBBB", offset, 0, 0, 1, 0) + b"S")
        return bof + record(0x0042, struct.pack("<H", 1200)) + sheet + record(0x000A)

    offset = len(globals_part(0)) if boundsheet_offset is None else boundsheet_offset
    header = record(0x0204, struct.pack("<HHHHB", 0, 0, 15, 2, 0) + b"ID")
    stream = globals_part(offset) + sheet_bof + header + b"".join(sheet_records) + record(0x000A)
    return stream.ljust(4096, b"\x00")  # 4096 bytes and more live in ordinary sectors, not the mini stream


def compound_file(stream: bytes, directory_loops: bool = False) -> bytes:
    """A version-3 compound file (512-byte sectors) holding `stream` as its Workbook."""
    stream_sectors = len(stream) // 512
    directory_sector, fat_sector = stream_sectors, stream_sectors + 1
    fat = [*range(1, stream_sectors), 0xFFFFFFFE, directory_sector if directory_loops else 0xFFFFFFFE, 0xFFFFFFFD]
    fat += [0xFFFFFFFF] * (128 - len(fat))

    def entry(name, kind, start, size, child=0xFFFFFFFF):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(encoded), kind, 1, 0xFFFFFFFF, 0xFFFFFFFF, child)
            + b"\x00" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = (entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1) + entry("Workbook", 2, 0, len(stream))).ljust(
        512, b"\0"
    )
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIIII", 0, 1, directory_sector, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0, fat_sector)
        + struct.pack("<108I", *[0xFFFFFFFF] * 108)
    )
    return header + stream + directory + struct.pack("<128I", *fat)


def number(row: int, column: int) -> bytes:
    return record(0x0203, struct.pack("<HHHd", row, column, 15, 1.0))


class HostileWorkbookTests(SimpleTestCase):
    def refusal(self, data: bytes, name: str = "far.xlsx") -> str:
        with self.assertRaises(reading.UnusableFile) as refused:
            reading.read_table(data, name)
        return str(refused.exception)

    def test_a_cell_at_the_far_corner_is_refused_before_reading(self):
        data = far_cell_workbook()
        self.assertLess(len(data), 10_000)
        message = self.refusal(data)
        self.assertIn("1048576", message)
        self.assertIn("16384", message)

    def test_a_far_row_or_column_alone_is_refused_too(self):
        for cell in ("A1048576", "ALM2"):  # ALM is column 1001
            with self.subTest(cell=cell):
                self.assertIn(REACHES, self.refusal(far_cell_workbook(cell)))

    def test_rows_times_columns_are_limited_as_well(self):
        # Row 150,000 and column 1,000 are each within the limits; the 150 million cells between are not.
        extra = b'<row r="150000"><c r="ALL150000" t="inlineStr"><is><t>x</t></is></c></row>'
        self.assertIn("150000", self.refusal(with_sheet_data(extra, "A1:ALL150000")))

    def test_empty_formatted_cells_far_away_are_no_reason_to_refuse(self):
        # Excel counts a formatted empty cell in the used range; calamine skips it, and so does the scan.
        extra = b'<row r="1048576"><c r="XFD1048576" s="1"/></row>'
        header, rows = reading.read_table(with_sheet_data(extra, "A1:XFD1048576"), "formatted.xlsx")[:2]
        self.assertEqual((header, rows), (["名称"], [["某单位"], ["x"]]))

    def test_the_far_cell_in_any_spelling_calamine_reads(self):
        spellings = {
            "lower case": b'<row r="4"><c r="xfd1048576" t="inlineStr"><is><t>x</t></is></c></row>',
            "single quotes": b"<row r='4'><c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c></row>",
            "spaces round =": b'<row r = "4"><c r = "XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
            "leading zeros": b'<row r="4"><c r="XFD0001048576" t="inlineStr"><is><t>x</t></is></c></row>',
            "prefixed tag": b'<row r="4"><x-y:c r="XFD1048576" t="inlineStr"><is><t>x</t></is></x-y:c></row>',
            "> in a value": b'<row r="4"><c s=">" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
            "r= in a value": b'<row r="4"><c t="inlineStr" z=" r=\'A4\'" r="XFD1048576"><is><t>x</t></is></c></row>',
        }
        for spelling, extra in spellings.items():
            with self.subTest(spelling):
                # Declared, the sheet is scanned and the message names the cell; undeclared (a crafted
                # file), the limited reader refuses it. Either way the process reading it lives on.
                message = self.refusal(with_sheet_data(extra, "A1:XFD1048576"))
                self.assertIn("第 1048576 行、第 16384 列", message)
                self.assertIn(NEEDS_TOO_MUCH, self.refusal(with_sheet_data(extra)))

    def test_cells_without_references_are_counted(self):
        # calamine places a cell without r= after the previous one: 2,000 of them make a row that wide.
        extra = b'<row r="4">' + b"<c><v>1</v></c>" * 2000 + b"</row>"
        # Declared far, the scan stops at the first cell past the limits; undeclared, the sheet is read
        # in the limited reader and then refused with its real width.
        self.assertIn("第 4 行、第 1001 列", self.refusal(with_sheet_data(extra, "A1:XFD1048576")))
        self.assertIn("第 4 行、第 2000 列", self.refusal(with_sheet_data(extra)))

    def test_a_sheet_stored_under_another_name_is_checked(self):
        def move(name, content):
            if name == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", FAR + b"</sheetData>")
                return "xl/elsewhere/data.xml", content.replace(b'ref="A1:A3"', b'ref="A1:XFD1048576"')
            if name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                content = content.replace(b"/xl/worksheets/sheet1.xml", b"/xl/elsewhere/data.xml")
            return name, content

        self.assertIn("第 1048576 行", self.refusal(rewritten(far_cell_workbook("A3"), move)))

    def test_a_shared_string_count_the_file_cannot_hold_is_refused(self):
        def claim(name, content):
            if name == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b'<c r="A3" t="inlineStr"><is><t>x</t></is></c>', b'<c r="A3" t="s"><v>0</v></c>'
                )
            if name == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            if name == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    b'sharedStrings" Target="sharedStrings.xml" Id="rId9"/></Relationships>',
                )
            return name, content

        data = rewritten(far_cell_workbook("A3"), claim)
        source = zipfile.ZipFile(io.BytesIO(data))
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
            for member in source.infolist():
                target.writestr(member.filename, source.read(member))
            target.writestr("xl/sharedStrings.xml", '<sst uniqueCount="4000000000"><si><t>x</t></si></sst>')
        self.assertIn(NEEDS_TOO_MUCH, self.refusal(output.getvalue()))

    def test_an_ordinary_workbook_reads(self):
        header, rows = reading.read_table(far_cell_workbook("C3"), "ok.xlsx")[:2]
        self.assertEqual(header[0], "名称")
        self.assertEqual(rows[0][0], "某单位")


class HostileXlsTests(SimpleTestCase):
    """xls files of about 5 KB that made calamine abort (reserving 137 or 171 GB, or looping) or panic."""

    def refusal(self, data: bytes) -> str:
        self.assertLess(len(data), 6000)
        with self.assertRaises(reading.UnusableFile) as refused:
            reading.read_table(data, "hostile.xls")
        return str(refused.exception)

    def test_an_ordinary_xls_reads(self):
        header, rows = reading.read_table(compound_file(biff_workbook(number(1, 0))), "ok.xls")[:2]
        self.assertEqual((header, rows), (["ID"], [[1.0]]))

    def test_a_cell_at_row_and_column_65535(self):
        self.assertIn(NEEDS_TOO_MUCH, self.refusal(compound_file(biff_workbook(number(65535, 65535)))))

    def test_a_wide_cell_the_sheet_can_be_read_with_is_refused_naming_it(self):
        self.assertIn("2001", self.refusal(compound_file(biff_workbook(number(1, 2000)))))

    def test_a_dimensions_record_claiming_the_whole_grid(self):
        dimensions = record(0x0200, struct.pack("<IIHHH", 0, 65536, 0, 65535, 0))
        self.assertIn(NEEDS_TOO_MUCH, self.refusal(compound_file(biff_workbook(dimensions))))

    def test_a_directory_chain_that_loops(self):
        self.assertIn(NEEDS_TOO_MUCH, self.refusal(compound_file(biff_workbook(), directory_loops=True)))

    def test_a_sheet_starting_beyond_the_stream_makes_calamine_panic(self):
        # The panic is a BaseException (pyo3's PanicException) that "except Exception" let through.
        message = self.refusal(compound_file(biff_workbook(boundsheet_offset=10**8)))
        self.assertIn("不是有效的 Excel 工作簿", message)


class WorkbookProcessTests(SimpleTestCase):
    def test_a_reader_that_does_not_answer_in_time_is_refused(self):
        timeout = subprocess.TimeoutExpired("reader", 1)
        with mock.patch("subprocess.run", side_effect=timeout):
            outcome = workbook_process.read_sheets(b"PK", 10, 10, 100)
        self.assertEqual(outcome.kind, "limits")

    @override_settings(IMPORT_READER_MEMORY_MB=1)
    def test_the_memory_limit_applies_to_the_reader(self):
        data = compound_file(biff_workbook(number(1, 0)))
        self.assertEqual(workbook_process.read_sheets(data, 10, 10, 100).kind, "limits")

    def test_the_answer_holds_nothing_but_values(self):
        hostile = pickle.dumps(("rows", [[subprocess.Popen]], None))
        with self.assertRaises(pickle.UnpicklingError):
            workbook_process.ValuesOnly(io.BytesIO(hostile)).load()


class BrokenCsvTests(SimpleTestCase):
    def refusal(self, text: str) -> str:
        with self.assertRaises(reading.UnusableFile) as caught:
            reading.read_table(text.encode("utf-8"), "units.csv")
        return str(caught.exception)

    def test_a_giant_cell_is_refused_naming_its_line(self):
        message = self.refusal('名称,备注\n甲,短\n乙,"' + "长" * 140_000 + '"\n')
        self.assertIn("3", message)
        self.assertIn("131072", message)

    def test_an_unclosed_quote_is_refused(self):
        message = self.refusal('名称,备注\n"甲单位,备注\n乙单位,备注\n')
        self.assertIn("引号", message)

    def test_text_after_a_closing_quote_is_refused(self):
        self.assertIn("引号", self.refusal('名称,备注\n"甲"单位,备注\n'))

    def test_too_many_columns_are_refused(self):
        message = self.refusal(",".join(["名称"] + ["x"] * 18_278) + "\n甲\n")
        self.assertIn("18279", message)

    def test_quotes_inside_an_unquoted_cell_are_text(self):
        header, rows = reading.read_table('名称,备注\n华为"鸿蒙"实验室,1\n'.encode(), "units.csv")[:2]
        self.assertEqual(rows, [['华为"鸿蒙"实验室', "1"]])
