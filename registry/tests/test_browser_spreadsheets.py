"""In Chromium: template download, xlsx and GBK CSV imports through preview and confirmation, a bad
file with its error workbook, and an export of a filtered list checked cell by cell."""

import tempfile
from pathlib import Path

import openpyxl
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from registry.models import Organization

from .browser import BrowserTestCase

ADMIN = "/" + settings.ADMIN_URL
ORGANIZATIONS = ADMIN + "registry/organization/"


class SpreadsheetFlowTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.files = Path(tempfile.mkdtemp(prefix="registry-browser-"))

    def log_in_as(self, group: str):
        user = get_user_model().objects.create_user("staff1", password="staff-Pass-2026-x", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        self.log_in("staff1", "staff-Pass-2026-x")

    def download(self, click) -> Path:
        with self.page.expect_download() as info:
            click()
        target = self.files / info.value.suggested_filename
        info.value.save_as(target)
        return target

    def upload_and_preview(self, path: Path):
        self.page.goto(self.url(ORGANIZATIONS + "import/"))
        self.page.set_input_files("input[name=import_file]", str(path))
        self.page.click("#import-form input[type=submit]")
        self.page.wait_for_selector(".import-counts")

    def test_template_then_xlsx_and_gbk_csv_imports_then_a_bad_file(self):
        self.log_in_as("数据录入员")
        page = self.page
        page.goto(self.url(ORGANIZATIONS))
        page.click("a.import_link")
        self.snap("import-page")
        template = self.download(lambda: page.click("a.button:has-text('下载导入模板')"))
        book = openpyxl.load_workbook(template)
        sheet = book.worksheets[0]
        headers = [cell.value for cell in sheet[1]]
        self.assertIn("名称", headers)
        self.assertIn("统一社会信用代码", headers)
        self.assertGreaterEqual(len(book.worksheets), 2, "a sheet explaining each column")

        # Fill the template as staff would: two organizations under the header (no example row there).
        sheet.delete_rows(2, sheet.max_row)
        column = {header: index + 1 for index, header in enumerate(headers)}
        for row, (name, code) in enumerate(
            [("模板导入测试甲公司", "91350100M000100Y43"), ("模板导入测试乙公司", "")], 2
        ):
            sheet.cell(row, column["名称"], name)
            sheet.cell(row, column["类别"], "企业")
            if code:
                sheet.cell(row, column["统一社会信用代码"], code)
        filled = self.files / "organizations.xlsx"
        book.save(filled)

        self.upload_and_preview(filled)
        self.assertEqual(page.inner_text("#count-new"), "2")
        self.assertEqual(page.inner_text("#count-errors"), "0")
        self.snap("xlsx-preview")
        page.click("input[name=confirm]")
        page.wait_for_selector(".messagelist .success")
        self.snap("xlsx-imported")
        self.assertEqual(Organization.objects.get(name="模板导入测试甲公司").credit_code, "91350100M000100Y43")

        gbk = self.files / "organizations-gbk.csv"
        gbk.write_bytes("名称,类别\r\n呼和浩特GBK导入测试研究所,科研院所\r\n".encode("gb18030"))
        self.upload_and_preview(gbk)
        self.assertEqual(page.inner_text("#count-new"), "1")
        self.snap("gbk-csv-preview")
        page.click("input[name=confirm]")
        page.wait_for_selector(".messagelist .success")
        self.assertEqual(Organization.objects.get(name="呼和浩特GBK导入测试研究所").kind, "institute")

        bad = self.files / "bad.csv"
        bad.write_bytes("名称,统一社会信用代码\r\n坏数据测试公司,91350100M000100Y4Z\r\n".encode("utf-8-sig"))
        self.upload_and_preview(bad)
        self.assertEqual(page.inner_text("#count-errors"), "1")
        errors = page.inner_text(".errorlist")
        self.assertIn("第 2 行", errors)
        self.assertIn("统一社会信用代码", errors)
        self.assertIn("91350100M000100Y4Z", errors)
        self.assertEqual(page.locator("input[name=confirm]").count(), 0, "no confirmation for a bad file")
        self.snap("bad-file-errors")
        report = openpyxl.load_workbook(self.download(lambda: page.click("a.button:has-text('下载错误')")))
        rows = list(report.worksheets[0].iter_rows(values_only=True))
        self.assertIn("坏数据测试公司", rows[1])
        self.assertTrue(any("统一社会信用代码" in str(cell) for cell in rows[1]))
        self.assertFalse(Organization.objects.filter(name="坏数据测试公司").exists())

    def test_export_of_a_filtered_list_holds_exactly_its_rows(self):
        Organization.objects.create(name="导出测试大学甲", kind="university")
        Organization.objects.create(name="导出测试大学乙", kind="university")
        Organization.objects.create(name="导出测试企业丙", kind="enterprise")
        self.log_in_as("审核查阅员")
        page = self.page
        page.goto(self.url(ORGANIZATIONS + "?kind__exact=university"))
        self.assertEqual(page.locator("#result_list tbody tr").count(), 2)
        page.click("a.export_link")
        page.wait_for_selector("select[name=format]")
        page.select_option("select[name=format]", label="xlsx")
        self.snap("export-form")
        exported = self.download(lambda: page.click("form input[type=submit]"))
        sheet = openpyxl.load_workbook(exported).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        name_column = rows[0].index("名称")
        self.assertEqual(sorted(row[name_column] for row in rows[1:]), ["导出测试大学乙", "导出测试大学甲"])
