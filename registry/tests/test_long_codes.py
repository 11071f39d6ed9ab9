"""Issue 13 point 13: the template keeps 18 digits, and a number Excel already rounded gets the
precise message instead of "校验位错误"."""

import io

from django.test import TestCase
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from registry.importing import service, writing
from registry.importing.columns import columns_for
from registry.models import Organization, Talent

from .impexp_support import xlsx
from .support import id_number

LOST = "证件号码被 Excel 转成了数字，后几位已丢失，请把该列设为文本后重新填写"


class LongCodeTests(TestCase):
    def test_template_formats_code_columns_as_text(self):
        for model, names in ((Talent, {"id_number", "phone"}), (Organization, {"credit_code"})):
            sheet = load_workbook(io.BytesIO(writing.template_workbook(model))).worksheets[0]
            for position, column in enumerate(columns_for(model), start=1):
                with self.subTest(model=model.__name__, column=column.name):
                    letter = get_column_letter(position)
                    is_text = sheet.column_dimensions[letter].number_format == "@"
                    self.assertEqual(is_text, column.name in names | {"registration_number"})

    def test_a_number_excel_rounded_gets_the_precise_message(self):
        user = service.CommandUser()
        rounded = float(id_number())  # 18 digits as Excel stores them: 15 kept, the rest lost
        files = {
            "talents.xlsx": xlsx([["姓名", "证件号码"], ["张三", rounded]]),
            "talents.csv": "姓名,证件号码\n张三,1.50102E+17\n".encode(),
        }
        for name, data in files.items():
            with self.subTest(file=name):
                plan, _header, _rows = service.validate(Talent, data, name, user)
                messages = [error.message for error in plan.errors]
                self.assertEqual(len(messages), 1, messages)
                self.assertIn(LOST, messages[0])
                self.assertNotIn("校验位", messages[0])
        plan, _header, _rows = service.validate(Talent, f"姓名,证件号码\n张三,{id_number()}\n".encode(), "ok.csv", user)
        self.assertEqual(plan.errors, [])

    def test_the_text_excel_shows_for_a_rounded_number_gets_the_precise_message(self):
        # Saved as CSV, Excel writes what it shows: the 15 digits it kept, then zeros.
        user = service.CommandUser()
        shown = "150102198001050000"  # 150102198001050011 as Excel shows it; its check character would be 8
        plan, _header, _rows = service.validate(Talent, f"姓名,证件号码\n张三,{shown}\n".encode(), "shown.csv", user)
        self.assertEqual([error.message for error in plan.errors], [LOST])
        # A real number ending in zeros that passes the check is just that number.
        real = id_number(sequence="100")
        self.assertEqual(real[15:], "000")
        plan, _header, _rows = service.validate(Talent, f"姓名,证件号码\n张三,{real}\n".encode(), "real.csv", user)
        self.assertEqual(plan.errors, [])
