"""import_records and export_records: same code path as the admin, exit codes 0/1/2."""

import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase
from openpyxl import load_workbook

from registry.models import AuditEvent, Organization, Talent

from .impexp_support import csv_text


class CommandTests(TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        Organization.objects.create(name="内蒙古大学")

    def run_command(self, *args):
        """(exit status, output): a CommandError's status and message, as manage.py would end."""
        out = io.StringIO()
        try:
            call_command(*args, stdout=out, stderr=out)
        except CommandError as error:
            return error.returncode, out.getvalue() + str(error)
        return 0, out.getvalue()

    def write(self, name, data):
        path = self.folder / name
        path.write_bytes(data)
        return str(path)

    def test_success_dry_run_and_reimport(self):
        path = self.write("t.csv", csv_text([["姓名", "工作单位"], ["张三", "内蒙古大学"]]).encode("gbk"))
        code, out = self.run_command("import_records", "talent", path, "--dry-run")
        self.assertEqual((code, Talent.objects.count()), (0, 0))
        self.assertIn("新增 1 条", out)
        code, out = self.run_command("import_records", "talent", path)
        self.assertEqual((code, Talent.objects.count()), (0, 1))
        self.assertEqual(Talent.history.get().history_change_reason, "从 t.csv 导入")
        self.assertTrue(AuditEvent.objects.filter(kind="import", file_name="t.csv").exists())
        code, out = self.run_command("import_records", "talent", path)
        self.assertEqual(code, 0)
        self.assertIn("未变 1 条", out)

    def test_rejected_rows_exit_1_and_write_the_report(self):
        path = self.write(
            "t.csv", csv_text([["姓名", "工作单位"], ["张三", "内蒙古大学"], ["李四", "没有这个单位"]]).encode()
        )
        report = self.folder / "report.xlsx"
        code, out = self.run_command("import_records", "talent", path, "--errors", str(report))
        self.assertEqual(code, 1)
        self.assertIn("没有这个单位", out)
        self.assertFalse(Talent.objects.exists())
        sheet = load_workbook(report).worksheets[0]
        self.assertEqual([c.value for c in sheet[2]], ["张三", "内蒙古大学", None])  # every row, errors in place
        self.assertEqual([c.value for c in sheet[3]][:2], ["李四", "没有这个单位"])
        code, out = self.run_command("import_records", "talent", path, "--create-missing")
        self.assertEqual((code, Talent.objects.count()), (0, 2))

    def test_unusable_file_exits_2(self):
        for data in (bytes(range(128, 256)) * 3, b"", b"PK\x03\x04broken"):
            with self.subTest(data=data[:6]):
                code, out = self.run_command("import_records", "talent", self.write("bad.xlsx", data))
                self.assertEqual(code, 2)
        code, out = self.run_command("import_records", "talent", str(self.folder / "missing.csv"))
        self.assertEqual(code, 2)

    def test_an_unknown_user_name_is_a_message_not_a_traceback(self):
        path = self.write("t.csv", csv_text([["姓名"], ["张三"]]).encode())
        for command in (("import_records", "talent", path), ("export_records", "talent", str(self.folder / "o.csv"))):
            with self.subTest(command=command[0]):
                code, out = self.run_command(*command, "--user", "nobody")
                self.assertEqual(code, 1)
                self.assertIn("nobody", out)
        self.assertFalse(Talent.objects.exists())
        self.assertFalse(AuditEvent.objects.exists())

    def test_export_records(self):
        Talent.objects.create(name="张三")
        path = self.folder / "out.xlsx"
        self.run_command("export_records", "talent", str(path))
        sheet = load_workbook(path).worksheets[0]
        self.assertEqual(sheet["A2"].value, "张三")
        csv_path = self.folder / "out.csv"
        self.run_command("export_records", "talent", str(csv_path))
        self.assertTrue(csv_path.read_bytes().startswith(b"\xef\xbb\xbf"))
        self.assertEqual(AuditEvent.objects.filter(kind="export").count(), 2)
