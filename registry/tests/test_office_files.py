"""Files as offices make them (issue 15): title rows above the header, an instruction sheet before the
data, and many-to-many names separated the way staff write them (、；; line breaks, and ， , where the
text is not itself a known name)."""

import io
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from openpyxl import Workbook, load_workbook

from registry.importing import reading, service
from registry.models import Organization, TechContract
from registry.tests.support import RecordFactory, make_user

from .impexp_support import csv_text, ensure_permissions, staff

VALID_CODE = "91150100MA0N000013"


def workbook(*sheets, merge_title=False) -> bytes:
    """An xlsx with the given (name, rows) sheets; the first row of the data sheet merged across like
    an office's title line when `merge_title`."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if merge_title and rows and len(rows[0]) == 1:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


TITLED = [
    ["2024年度科技型企业登记表"],
    ["填报单位：新城区科技局", None, "填报日期：2024年12月"],
    [],
    ["名称", "统一社会信用代码"],
    ["内蒙古甲科技有限公司", VALID_CODE],
    ["内蒙古乙科技有限公司", "不是代码"],
]


class HeaderBelowTitleRowsTests(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(superuser=True, username="chief")

    def validate(self, data, name="单位.xlsx"):
        return service.validate(Organization, data, name, self.user)

    def test_the_header_is_found_below_a_merged_title_and_errors_name_the_files_lines(self):
        plan, header, rows = self.validate(workbook(("Sheet1", TITLED), merge_title=True))
        self.assertEqual(header[:2], ["名称", "统一社会信用代码"])
        self.assertEqual(plan.header_line, 4)
        self.assertEqual(len(plan.creates), 1)
        self.assertEqual([error.row for error in plan.errors], [6])
        self.assertIn("不是代码", plan.errors[0].value)

    def test_the_error_workbook_keeps_each_error_beside_its_row(self):
        plan, header, rows = self.validate(workbook(("Sheet1", TITLED), merge_title=True))
        report = service.error_report(Organization, plan, header, rows, self.user)
        sheet = load_workbook(io.BytesIO(report)).active
        lines = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(lines[0][:2], ["名称", "统一社会信用代码"])
        self.assertEqual(lines[1][0], "内蒙古甲科技有限公司")
        self.assertFalse(lines[1][-1])
        self.assertEqual(lines[2][0], "内蒙古乙科技有限公司")
        self.assertIn("第 6 行", lines[2][-1])

    def test_a_csv_with_a_title_line_imports_too(self):
        data = csv_text([["2024年度单位名录"], ["名称", "统一社会信用代码"], ["内蒙古丙科技有限公司", ""]]).encode()
        plan, _header, _rows = self.validate(data, "单位.csv")
        self.assertEqual((plan.header_line, len(plan.creates), plan.errors), (2, 1, []))

    def test_header_errors_name_the_header_line(self):
        data = workbook(("Sheet1", [["2024年度单位名录"], ["名称", "不存在的列"], ["内蒙古丁公司", "x"]]))
        plan, _header, _rows = self.validate(data)
        self.assertEqual([(error.row, error.column) for error in plan.errors], [(2, "不存在的列")])

    def test_a_header_further_down_than_ten_lines_is_not_searched_for(self):
        rows = [[f"说明第{line}行"] for line in range(10)] + [["名称"], ["内蒙古戊公司"]]
        with self.assertRaises(reading.UnusableFile) as refused:
            self.validate(workbook(("登记表", rows)))
        self.assertIn("前 10 行", str(refused.exception))
        self.assertIn("“登记表”", str(refused.exception))


class InstructionSheetTests(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(superuser=True, username="chief")

    def test_the_sheet_whose_header_matches_is_read_and_named(self):
        data = workbook(
            ("填表说明", [["填表说明"], ["1. 名称填写全称"], ["2. 统一社会信用代码为18位"]]),
            ("单位名录", [["名称", "统一社会信用代码"], ["内蒙古己科技有限公司", VALID_CODE]]),
        )
        plan, _header, _rows = service.validate(Organization, data, "单位.xlsx", self.user)
        self.assertEqual((plan.sheet, plan.header_line, len(plan.creates), plan.errors), ("单位名录", 1, 1, []))

    def test_no_matching_sheet_is_refused_naming_every_sheet_read(self):
        data = workbook(("填表说明", [["填表说明"]]), ("代码表", [["代码", "含义"], ["1", "是"]]))
        with self.assertRaises(reading.UnusableFile) as refused:
            service.validate(Organization, data, "单位.xlsx", self.user)
        message = str(refused.exception)
        self.assertIn("“填表说明”", message)
        self.assertIn("“代码表”", message)

    def test_a_single_sheet_workbook_names_no_sheet(self):
        data = workbook(("Sheet1", [["名称"], ["内蒙古庚公司"]]))
        plan, _header, _rows = service.validate(Organization, data, "单位.xlsx", self.user)
        self.assertEqual(plan.sheet, "")


@override_settings(ROOT_URLCONF="registry.tests.impexp_support")
class AdminPreviewTests(TestCase):
    def test_the_preview_says_which_sheet_and_line_were_read(self):
        ensure_permissions()
        self.client.force_login(
            staff("clerk", ["view_organization", "add_organization", "change_organization", "import_organization"])
        )
        data = workbook(
            ("说明", [["请在“名录”工作表中填写"]]),
            ("名录", [["2024年度单位名录"], ["名称"], ["内蒙古辛公司"]]),
        )
        upload = self.client.post(
            "/admin/registry/organization/import/", {"import_file": SimpleUploadedFile("单位.xlsx", data)}
        )
        page = self.client.get(upload["Location"]).content.decode()
        self.assertIn("读取了工作表“名录”", page)
        self.assertIn("列标题在第 2 行", page)


class SeparatorTests(TestCase):
    user: User
    kind: Any

    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(superuser=True, username="chief")
        cls.kind = RecordFactory().shared(TechContract._meta.get_field("contract_type").related_model)
        for name in ("甲公司", "乙公司", "丙公司", "内蒙古某公司,呼和浩特分公司"):
            Organization.objects.create(name=name)

    def buyers_of(self, cell):
        rows = [["标题", "合同类别", "买方"], ["合同一", self.kind.name, cell]]
        plan, _header, _rows = service.validate(TechContract, csv_text(rows).encode(), "合同.csv", self.user)
        self.assertEqual(plan.errors, [])
        (create,) = plan.creates
        ids = next(iter(create.links.values()))
        return sorted(Organization.objects.filter(pk__in=ids).values_list("name", flat=True))

    def test_the_usual_separators_and_line_breaks_separate(self):
        self.assertEqual(self.buyers_of('"甲公司、乙公司；丙公司"'), ["丙公司", "乙公司", "甲公司"])
        self.assertEqual(self.buyers_of('"甲公司\n乙公司;丙公司"'), ["丙公司", "乙公司", "甲公司"])

    def test_commas_separate_names_that_are_not_one_known_name(self):
        self.assertEqual(self.buyers_of('"甲公司，乙公司,丙公司"'), ["丙公司", "乙公司", "甲公司"])

    def test_a_known_name_holding_a_comma_stays_one_name(self):
        buyers = self.buyers_of('"内蒙古某公司,呼和浩特分公司、甲公司"')
        self.assertEqual(buyers, ["内蒙古某公司,呼和浩特分公司", "甲公司"])

    def test_an_unknown_piece_is_named_in_the_error(self):
        rows = [["标题", "合同类别", "买方"], ["合同一", self.kind.name, "甲公司，无此公司"]]
        plan, _header, _rows = service.validate(TechContract, csv_text(rows).encode(), "合同.csv", self.user)
        self.assertEqual(len(plan.errors), 1)
        self.assertIn("无此公司", plan.errors[0].message)
        self.assertNotIn("甲公司", plan.errors[0].message)
