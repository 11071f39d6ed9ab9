"""Who a talent row is: the identity number when the row has one (namesakes at one employer are two
people), in any spelling; a row without one naming several namesakes is an error naming them, with
their numbers masked for users who may not see personal data."""

import io

from django.contrib.auth.models import User
from django.test import TestCase
from openpyxl import load_workbook

from registry import access, roles
from registry.importing import service
from registry.models import Organization, Talent
from registry.tests.support import id_number, make_user

from .admin_pages import admin_url, form_data, log_in_superuser
from .impexp_support import csv_text, xlsx

HEADER = ["姓名", "证件号码", "工作单位", "职务"]


def number_ending_in_x(birth: str = "19700307") -> str:
    """A valid identity number whose check character is X."""
    return next(number for n in range(1000) if (number := id_number(birth, sequence=f"{n:03d}")).endswith("X"))


class IdentityCase(TestCase):
    employer: Organization
    officer: User
    clerk: User
    first: str
    second: str

    @classmethod
    def setUpTestData(cls):
        cls.employer = Organization.objects.create(name="内蒙古大学")
        cls.officer = make_user(roles.DATA_ENTRY, roles.PERSONAL_DATA, username="officer")
        cls.clerk = make_user(roles.DATA_ENTRY, username="clerk")
        cls.first = id_number("19800101", sequence="123")
        cls.second = id_number("19850505", sequence="124")

    def plan(self, rows, user=None, data=None, name="talents.csv"):
        data = data if data is not None else csv_text(rows).encode("utf-8")
        plan, _header, _rows = service.validate(Talent, data, name, user or self.officer)
        return plan

    def run_import(self, rows, user=None, **kwargs):
        plan = self.plan(rows, user, **kwargs)
        self.assertEqual([str(error) for error in plan.errors], [])
        return service.apply_plan(plan, user or self.officer, "talents.csv")

    def namesakes(self):
        return [
            Talent.objects.create(name="张伟", employer=self.employer, id_number=number, position=position)
            for number, position in ((self.first, "教授"), (self.second, "讲师"))
        ]


class NamesakeImportTests(IdentityCase):
    def test_two_namesakes_at_one_employer_in_one_file_import_as_two_people(self):
        result = self.run_import(
            [HEADER, ["张伟", self.first, "内蒙古大学", "教授"], ["张伟", self.second, "内蒙古大学", "讲师"]]
        )
        self.assertEqual(result, {"new": 2, "updated": 0})
        people = Talent.objects.filter(name="张伟", employer=self.employer).order_by("position")
        self.assertEqual([(t.id_number, t.position) for t in people], [(self.first, "教授"), (self.second, "讲师")])

    def test_a_namesake_with_another_number_is_a_new_person_and_the_registered_one_is_untouched(self):
        Talent.objects.create(name="张伟", employer=self.employer, id_number=self.first, position="教授")
        result = self.run_import([HEADER, ["张伟", self.second, "内蒙古大学", "讲师"]])
        self.assertEqual(result, {"new": 1, "updated": 0})
        self.assertEqual(Talent.objects.get(id_number=self.first).position, "教授")

    def test_reimporting_both_namesakes_updates_each_by_number(self):
        self.namesakes()
        rows = [HEADER, ["张伟", self.second, "内蒙古大学", "副教授"], ["张伟", self.first, "内蒙古大学", "院长"]]
        self.assertEqual(self.run_import(rows), {"new": 0, "updated": 2})
        self.assertEqual(Talent.objects.get(id_number=self.first).position, "院长")
        self.assertEqual(Talent.objects.get(id_number=self.second).position, "副教授")

    def test_a_number_for_the_one_namesake_without_a_number_fills_it_in(self):
        talent = Talent.objects.create(name="张伟", employer=self.employer)
        result = self.run_import([HEADER, ["张伟", self.first, "内蒙古大学", "教授"]])
        self.assertEqual(result, {"new": 0, "updated": 1})
        talent.refresh_from_db()
        self.assertEqual((talent.id_number, talent.position), (self.first, "教授"))

    def test_two_new_numbers_for_one_namesake_without_a_number_fill_it_in_once_and_add_the_other(self):
        Talent.objects.create(name="张伟", employer=self.employer)
        rows = [HEADER, ["张伟", self.first, "内蒙古大学", "教授"], ["张伟", self.second, "内蒙古大学", "讲师"]]
        self.assertEqual(self.run_import(rows), {"new": 1, "updated": 1})
        self.assertEqual(
            set(Talent.objects.filter(name="张伟").values_list("id_number", flat=True)), {self.first, self.second}
        )


class SpellingTests(IdentityCase):
    def spellings(self):
        number = self.first
        return {
            "lower-case x": number_ending_in_x().lower(),
            "spaces": f"{number[:6]} {number[6:14]} {number[14:]}",
            "full-width": number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"}),
            "15 digits": number[:6] + number[8:17],
        }

    def test_another_spelling_of_a_registered_number_updates_that_person(self):
        x_number = number_ending_in_x()
        Talent.objects.create(name="王芳", employer=self.employer, id_number=x_number)
        talent = Talent.objects.create(name="张伟", employer=self.employer, id_number=self.first)
        for label, spelling in self.spellings().items():
            with self.subTest(spelling=label):
                name = "王芳" if label == "lower-case x" else "张伟"
                # No employer in the row: the number alone says who it is (blank leaves the employer).
                plan = self.plan([HEADER, [name, spelling, "", f"职务{label}"]])
                self.assertEqual(plan.errors, [])
                self.assertEqual((plan.counts["new"], plan.counts["updated"]), (0, 1))
                service.apply_plan(plan, self.officer, "talents.csv")
        self.assertEqual(Talent.objects.count(), 2)
        talent.refresh_from_db()
        self.assertEqual((talent.id_number, talent.position), (self.first, "职务15 digits"))
        self.assertEqual(talent.employer, self.employer)
        self.assertEqual(Talent.objects.get(name="王芳").id_number, x_number)

    def test_a_new_number_is_stored_in_its_one_spelling(self):
        self.run_import([HEADER, ["李娜", self.first[:6] + self.first[8:17], "内蒙古大学", ""]])
        self.assertEqual(Talent.objects.get().id_number, self.first)

    def test_an_excel_cell_of_15_digits_is_the_same_person(self):
        talent = Talent.objects.create(name="张伟", employer=self.employer, id_number=self.first)
        data = xlsx([HEADER, ["张伟", int(self.first[:6] + self.first[8:17]), "", "教授"]])
        self.run_import([], data=data, name="talents.xlsx")
        talent.refresh_from_db()
        self.assertEqual(talent.position, "教授")

    def test_one_number_in_two_spellings_in_one_file_is_an_error_naming_row_column_and_value(self):
        old_form = self.first[:6] + self.first[8:17]
        plan = self.plan([HEADER, ["张伟", self.first, "内蒙古大学", ""], ["张伟", old_form, "", ""]])
        self.assertEqual(len(plan.errors), 1)
        self.assertEqual((plan.errors[0].row, plan.errors[0].column, plan.errors[0].value), (3, "证件号码", self.first))
        self.assertIn("相同的值已在第 2 行出现", str(plan.errors[0]))

    def test_an_invalid_number_is_an_error_naming_row_column_and_value(self):
        wrong = self.first[:17] + ("0" if self.first[17] != "0" else "1")
        plan = self.plan([HEADER, ["张伟", wrong, "内蒙古大学", ""]])
        self.assertEqual(len(plan.errors), 1)
        error = plan.errors[0]
        self.assertEqual((error.row, error.column, error.value), (2, "证件号码", wrong))
        self.assertIn("校验位", error.message)
        self.assertFalse(Talent.objects.exists())


class AmbiguousRowTests(IdentityCase):
    def test_a_row_without_a_number_naming_two_namesakes_is_an_error_naming_them(self):
        self.namesakes()
        plan = self.plan([["姓名", "工作单位", "职务"], ["张伟", "内蒙古大学", "院长"]])
        self.assertEqual(len(plan.errors), 1)
        error = plan.errors[0]
        self.assertEqual((error.row, error.column, error.value), (2, "姓名 / 工作单位", "张伟 / 内蒙古大学"))
        self.assertIn("对应 2 条人才记录", error.message)
        self.assertIn(self.first, error.message)
        self.assertIn(self.second, error.message)
        self.assertIn("证件号码", error.message)
        self.assertFalse(plan.has_changes)

    def test_a_user_who_may_not_see_personal_data_sees_the_candidates_masked(self):
        self.namesakes()
        rows = [["姓名", "证件号码", "工作单位", "职务"], ["张伟", self.first, "内蒙古大学", "院长"]]
        plan = self.plan(rows, user=self.clerk)
        self.assertEqual(plan.ignored, ["证件号码"], "the clerk's identity number column is not read")
        self.assertEqual(len(plan.errors), 1)
        message = str(plan.errors[0])
        self.assertIn(access.mask(self.first), message)
        self.assertIn(access.mask(self.second), message)
        self.assertIn("个人信息查看", message)
        json = plan.to_json()
        for number in (self.first, self.second):
            self.assertNotIn(number, message)
            self.assertNotIn(number[6:14], json, "no birth date nor number in the stored plan")
        report = load_workbook(io.BytesIO(service.error_report(Talent, plan, rows[0], rows[1:], self.clerk)))
        cells = " ".join(str(cell) for row in report.worksheets[0].iter_rows(values_only=True) for cell in row)
        self.assertIn(access.mask(self.first), cells)
        self.assertNotIn(self.first, cells)

    def test_a_namesake_without_a_number_among_them_is_named_as_such(self):
        Talent.objects.create(name="张伟", employer=self.employer, id_number=self.first)
        Talent.objects.create(name="张伟", employer=self.employer)
        plan = self.plan([["姓名", "工作单位"], ["张伟", "内蒙古大学"]])
        self.assertEqual(len(plan.errors), 1)
        self.assertIn(f"{self.first}、未填写", plan.errors[0].message)

    def test_a_number_naming_nobody_with_two_namesakes_without_numbers_is_an_error(self):
        Talent.objects.create(name="张伟", employer=self.employer)
        Talent.objects.create(name="张伟", employer=self.employer)
        plan = self.plan([HEADER, ["张伟", self.first, "内蒙古大学", ""]])
        self.assertEqual(len(plan.errors), 1)
        self.assertIn("未填写、未填写", plan.errors[0].message)
        self.assertEqual(Talent.objects.filter(id_number__isnull=False).count(), 0)

    def test_the_name_of_a_single_talent_still_matches_without_a_number(self):
        talent = Talent.objects.create(name="张伟", employer=self.employer, id_number=self.first)
        self.run_import([["姓名", "工作单位", "职务"], ["张伟", "内蒙古大学", "院长"]], user=self.clerk)
        talent.refresh_from_db()
        self.assertEqual((talent.position, talent.id_number), ("院长", self.first))


class NamesakeFormTests(IdentityCase):
    def add(self, number):
        page = self.client.get(admin_url(Talent, "add"))
        data = form_data(page, name="张伟", employer=str(self.employer.pk), id_number=number)
        return self.client.post(admin_url(Talent, "add"), data)

    def test_two_namesakes_can_be_registered_by_form_and_a_spelling_of_one_is_refused(self):
        log_in_superuser(self.client)
        self.assertEqual(self.add(self.first).status_code, 302)
        self.assertEqual(self.add(self.second.lower()).status_code, 302)
        refused = self.add(self.first[:6] + self.first[8:17])
        self.assertEqual(refused.status_code, 200, "the 15-digit spelling is the same person")
        self.assertIn("id_number", refused.context["adminform"].form.errors)
        self.assertEqual(
            set(Talent.objects.filter(name="张伟").values_list("id_number", flat=True)), {self.first, self.second}
        )
