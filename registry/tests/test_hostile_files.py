"""Issue 13 points 15 and 16 (the reader): hostile and broken files are refused at once, clearly.

A 1.5 KB xlsx with one cell at XFD1048576 made the reader lay out a 100 GB grid; a CSV cell over
131,072 characters, an unclosed quote or 18,279 columns gave tracebacks (or read garbage).
"""

import io

from django.test import SimpleTestCase
from openpyxl import Workbook

from registry.importing import reading


def far_cell_workbook(cell="XFD1048576") -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet["A1"] = "名称"
    sheet["A2"] = "某单位"
    sheet[cell] = "x"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


class HostileWorkbookTests(SimpleTestCase):
    def test_a_cell_at_the_far_corner_is_refused_before_reading(self):
        data = far_cell_workbook()
        self.assertLess(len(data), 10_000)
        with self.assertRaisesMessage(reading.UnusableFile, "1048576") as refusal:
            reading.read_table(data, "far.xlsx")
        self.assertIn("16384", str(refusal.exception))

    def test_a_far_row_or_column_alone_is_refused_too(self):
        for cell in ("A1048576", "ALM2"):  # ALM is column 1001
            with self.subTest(cell=cell), self.assertRaises(reading.UnusableFile):
                reading.read_table(far_cell_workbook(cell), "far.xlsx")

    def test_an_ordinary_workbook_reads(self):
        header, rows = reading.read_table(far_cell_workbook("C3"), "ok.xlsx")
        self.assertEqual(header[0], "名称")
        self.assertEqual(rows[0][0], "某单位")


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
        header, rows = reading.read_table('名称,备注\n华为"鸿蒙"实验室,1\n'.encode(), "units.csv")
        self.assertEqual(rows, [['华为"鸿蒙"实验室', "1"]])
