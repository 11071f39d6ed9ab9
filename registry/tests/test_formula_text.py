"""Issue 13 point 17: text is never a formula in the files the registry writes.

openpyxl-written workbooks (template list sheets, reports, error workbooks) stored a value starting
with = as a live formula; CSV exports escaped = + - @ only at the very start, not behind spaces,
tabs or line breaks, nor full-width ＝＋－＠.
"""

import csv
import io

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from registry.importing import service, values, writing
from registry.models import Division, Organization, Talent, TalentTier

FORMULA = '=HYPERLINK("http://example.org","x")'


def cells(data: bytes):
    """Every cell of every sheet of a workbook: (sheet, value, data type)."""
    book = load_workbook(io.BytesIO(data))
    return [
        (sheet.title, cell.value, cell.data_type)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


class WorkbookTextTests(TestCase):
    def assert_text_only(self, data, expected_value):
        found = [entry for entry in cells(data) if entry[1] == expected_value]
        self.assertTrue(found, f"{expected_value!r} is not in the workbook")
        self.assertEqual({entry[2] for entry in found}, {"s"})
        self.assertFalse([entry for entry in cells(data) if entry[2] == "f"])

    def test_template_list_sheets_hold_lookup_names_as_text(self):
        TalentTier.objects.create(name=FORMULA)
        self.assert_text_only(writing.template_workbook(Talent), FORMULA)

    def test_reports_hold_place_names_as_text(self):
        Division.objects.filter(pk=Division.objects.filter(in_hohhot=True).order_by("code").first().pk).update(
            name=FORMULA
        )
        chief = get_user_model().objects.create_superuser("chief", password=None)
        self.client.force_login(chief)
        response = self.client.get(reverse("admin:registry_report_xlsx", args=["by-district"]))
        self.assertEqual(response.status_code, 200)
        self.assert_text_only(response.content, FORMULA)

    def test_error_workbooks_hold_uploaded_cells_as_text(self):
        # An unknown column headed by a formula: the error workbook repeats the header as it came.
        quoted = '"' + FORMULA.replace('"', '""') + '"'
        upload = f"名称,{quoted}\n甲单位,1\n".encode()
        user = service.CommandUser()
        plan, header, rows = service.validate(Organization, upload, "units.csv", user)
        self.assertTrue(plan.errors)
        self.assert_text_only(service.error_report(Organization, plan, header, rows, user), FORMULA)


class CsvTriggerTests(TestCase):
    def test_triggers_behind_spaces_tabs_line_breaks_and_full_width_are_neutralised(self):
        for text in (" =1+1", "\t=1+1", "\n=1+1", "\r\n@SUM(A1)", "＝1+1", "＋1", "－1", "＠SUM(A1)", "  ＝1"):
            with self.subTest(text=text):
                data, _count = writing.write_csv(["名称"], [[text]])
                row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1]
                self.assertEqual(row[0], "'" + text)
                self.assertEqual(values.parse_text(row[0]).strip(), text.strip())  # the import takes it off
        data, _count = writing.write_csv(["名称"], [["呼和浩特 = 青城"]])
        self.assertEqual(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1], ["呼和浩特 = 青城"])
