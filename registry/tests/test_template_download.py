"""Import templates: headers, an example row, drop-downs for choices and lookups, a column guide."""

import io

from django.test import TestCase
from openpyxl import load_workbook

from registry.importing import service, writing
from registry.models import Talent, TalentTier

from .impexp_support import staff


class TemplateTests(TestCase):
    def workbook(self, model):
        return load_workbook(io.BytesIO(writing.template_workbook(model)))

    def test_headers_example_row_and_guide(self):
        workbook = self.workbook(Talent)
        sheet, guide, lists = workbook.worksheets
        header = [cell.value for cell in sheet[1]]
        self.assertEqual(header[:4], ["姓名", "性别", "出生日期", "证件类型"])
        self.assertEqual(sheet.max_row, 1)  # issue 13 point 12: no example row among the data
        guide_rows = [[cell.value for cell in row] for row in guide.iter_rows()]
        self.assertEqual(guide_rows[0], ["列", "必填", "填写说明", "字段名", "示例"])
        by_label = {row[0]: row for row in guide_rows[1:]}
        self.assertEqual((by_label["姓名"][4], by_label["性别"][4], by_label["已退休"][4]), ("（文字）", "男", "是"))
        self.assertIsNone(by_label["证件号码"][4])  # a made-up identity number would not pass
        self.assertEqual(by_label["姓名"][1], "是")
        self.assertIn("2024年1月5日", by_label["出生日期"][2])
        self.assertEqual(by_label["工作单位"][3], "employer")
        self.assertEqual(lists.sheet_state, "hidden")

    def test_drop_downs_for_choice_boolean_and_lookup_columns(self):
        workbook = self.workbook(Talent)
        sheet, lists = workbook.worksheets[0], workbook.worksheets[2]
        header = [cell.value for cell in sheet[1]]
        validated = {}
        for validation in sheet.data_validations.dataValidation:
            self.assertEqual(validation.type, "list")
            for cell_range in validation.sqref.ranges:
                validated[header[cell_range.min_col - 1]] = validation.formula1
        self.assertEqual(set(validated) >= {"性别", "学位", "已退休", "人才类别"}, True)
        self.assertNotIn("姓名", validated)

        def options(label):
            column = header.index(label) + 1
            return [row[0] for row in lists.iter_rows(min_col=column, max_col=column, values_only=True) if row[0]]

        self.assertEqual(options("性别"), ["男", "女"])
        self.assertEqual(options("已退休"), ["是", "否"])
        self.assertEqual(
            options("人才类别"), list(TalentTier.objects.filter(is_active=True).values_list("name", flat=True))
        )

    def test_the_blank_template_imports_nothing_and_placeholders_are_refused(self):
        # Issue 13 point 12: the example row (（文字）, 男, ...) was imported as a real talent.
        user = staff("boss", superuser=True)
        plan, header, rows = service.validate(Talent, writing.template_workbook(Talent), "template.xlsx", user)
        self.assertEqual((plan.errors, plan.has_changes), ([], False))
        data = "姓名,职务\n（文字）,所长\n张三,（文字）\n张四,所长\n".encode()
        plan, header, rows = service.validate(Talent, data, "typed-over.csv", user)
        self.assertEqual([(error.row, error.column) for error in plan.errors], [(2, "姓名"), (3, "职务")])
        self.assertIn("模板的示例", plan.errors[0].message)
