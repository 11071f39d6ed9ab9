"""Uploaded files: encodings detected, garbage and oversized or hostile files refused."""

import codecs
import io
import zipfile

from django.test import SimpleTestCase, override_settings

from registry.importing import reading

ROWS = [["名称", "工作单位"], ["张三", "内蒙古大学"]]


def csv_bytes(encoding, bom=b""):
    return bom + "名称,工作单位\n张三,内蒙古大学\n".encode(encoding)


class EncodingTests(SimpleTestCase):
    def test_each_supported_encoding_reads_the_same_rows(self):
        cases = {
            "utf-8": csv_bytes("utf-8"),
            "utf-8 with BOM": csv_bytes("utf-8", codecs.BOM_UTF8),
            "gbk": csv_bytes("gbk"),
            "gb18030": csv_bytes("gb18030"),
            "utf-16 with BOM": csv_bytes("utf-16"),
            "utf-16-le without BOM": csv_bytes("utf-16-le"),
        }
        for name, data in cases.items():
            with self.subTest(name):
                header, rows = reading.read_table(data, "a.csv")[:2]
                self.assertEqual([header] + rows, ROWS)

    def test_utf8_is_not_misread_as_gb18030(self):
        # The UTF-8 bytes of 张三 are also valid GB18030 (寮犱笁): strict UTF-8 must win.
        header, rows = reading.read_table("名称\n张三\n".encode(), "a.csv")[:2]
        self.assertEqual(rows, [["张三"]])

    def test_garbage_bytes_are_refused_with_a_clear_message(self):
        for data in (bytes(range(128, 256)) * 4, b"\x81\x30\x81\x30" * 50 + b"\n", b"name\n\xff\xfe\xfd"):
            with self.subTest(data=data[:8]), self.assertRaises(reading.UnusableFile) as raised:
                reading.read_table(data, "a.csv")
            self.assertIn("CSV UTF-8", str(raised.exception))

    def test_tab_separated_text(self):
        header, rows = reading.read_table("名称\t工作单位\n张三\t内蒙古大学\n".encode(), "a.txt")[:2]
        self.assertEqual([header] + rows, ROWS)


class LimitTests(SimpleTestCase):
    @override_settings(IMPORT_MAX_UPLOAD_BYTES=100)
    def test_size_limit(self):
        with self.assertRaises(reading.UnusableFile):
            reading.read_table(b"a,b\n" * 100, "a.csv")

    @override_settings(IMPORT_MAX_ROWS=3)
    def test_row_limit_csv_and_xlsx(self):
        from .impexp_support import xlsx

        data = "名称\n" + "x\n" * 4
        with self.assertRaises(reading.UnusableFile) as raised:
            reading.read_table(data.encode(), "a.csv")
        self.assertIn("3", str(raised.exception))
        with self.assertRaises(reading.UnusableFile):
            reading.read_table(xlsx([["名称"]] + [["x"]] * 4), "a.xlsx")
        header, rows = reading.read_table(xlsx([["名称"]] + [["x"]] * 3), "a.xlsx")[:2]
        self.assertEqual(len(rows), 3)

    def test_decompression_bomb_is_refused_before_parsing(self):
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (60 * 1024 * 1024) + b"/>")
        with self.assertRaises(reading.UnusableFile) as raised:
            reading.read_table(output.getvalue(), "bomb.xlsx")
        self.assertIn("压缩炸弹", str(raised.exception))

    def test_broken_workbook_and_empty_file(self):
        with self.assertRaises(reading.UnusableFile):
            reading.read_table(b"PK\x03\x04 not really a zip", "a.xlsx")
        with self.assertRaises(reading.UnusableFile):
            reading.read_table(b"  \n", "a.csv")
        with self.assertRaises(reading.UnusableFile):
            reading.read_table(b"plain text", "a.xlsx")
