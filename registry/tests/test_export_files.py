"""Exports: Chinese headers, native cells, escaped formulas, BOM, filters, personal data, audit."""

import codecs
import datetime
import io

from django.contrib.auth.models import User
from django.test import TestCase, override_settings
from openpyxl import load_workbook

from registry.importing import service, writing
from registry.models import AuditEvent, Organization, Talent

from .impexp_support import ensure_permissions, staff
from .support import id_number


class ExportCase(TestCase):
    boss: User
    org: Organization

    @classmethod
    def setUpTestData(cls):
        cls.boss = staff("boss", superuser=True)
        cls.org = Organization.objects.create(name='=HYPERLINK("http://x")')
        Talent.objects.create(
            name="@SUM(1+1)",
            employer=cls.org,
            id_number=id_number(),
            phone="13900000000",
            birth_date=datetime.date(1980, 1, 5),
            introduced_on=datetime.date(2024, 1, 5),
            is_retired=True,
            gender="male",
            position="-2+3",
            title="\tcmd",
            research_fields="\rx",
        )
        Talent.objects.create(name="李四")

    def sheet(self, user, queryset=None):
        data = service.export(queryset or Talent.objects.all(), user, "xlsx", "talents.xlsx")
        return load_workbook(io.BytesIO(data)).worksheets[0]


class ExportFileTests(ExportCase):
    boss: User
    org: Organization

    def test_headers_native_cells_and_escaped_formulas(self):
        sheet = self.sheet(self.boss)
        header = [cell.value for cell in sheet[1]]
        rows = [dict(zip(header, [cell.value for cell in r])) for r in sheet.iter_rows(min_row=2)]
        row = next(r for r in rows if r["工作单位"])
        self.assertEqual(row["姓名"], "'@SUM(1+1)")
        self.assertEqual(row["工作单位"], '\'=HYPERLINK("http://x")')
        self.assertEqual(row["职务"], "'-2+3")
        self.assertEqual(row["职称"], "'\tcmd")
        self.assertTrue(row["专业领域"].startswith("'"))  # xlsx stores the CR as _x000D_
        self.assertEqual(row["引进日期"], datetime.datetime(2024, 1, 5))
        self.assertEqual(row["出生日期"], datetime.datetime(1980, 1, 5))
        self.assertEqual(row["已退休"], "是")
        self.assertEqual(row["性别"], "男")
        self.assertEqual(row["电话"], "13900000000")
        self.assertEqual(len(rows), 2)

    def test_numbers_stay_numbers(self):
        output, count = writing.write_xlsx(["a", "b", "c"], [[1, 2.5, "=1+1"], [-3, None, "-x"]])
        sheet = load_workbook(io.BytesIO(output)).worksheets[0]
        self.assertEqual([c.value for c in sheet[2]], [1, 2.5, "'=1+1"])
        self.assertEqual([c.value for c in sheet[3]], [-3, None, "'-x"])
        self.assertEqual(sheet["A3"].data_type, "n")
        self.assertEqual(count, 2)

    def test_csv_has_bom_and_escapes(self):
        data = service.export(Talent.objects.all(), self.boss, "csv", "talents.csv")
        self.assertTrue(data.startswith(codecs.BOM_UTF8))
        text = data[3:].decode("utf-8")
        self.assertTrue(text.startswith("姓名,性别"))
        self.assertIn("'@SUM(1+1)", text)

    def test_personal_fields_are_blank_without_permission(self):
        clerk = staff("clerk", ["view_talent"])
        rows = [
            dict(zip([c.value for c in self.sheet(clerk)[1]], [c.value for c in r]))
            for r in self.sheet(clerk).iter_rows(min_row=2)
        ]
        row = next(r for r in rows if r["工作单位"])
        self.assertIsNone(row["证件号码"])
        self.assertIsNone(row["电话"])
        self.assertIsNone(row["出生日期"])
        self.assertEqual(row["职务"], "'-2+3")

    def test_export_is_audited(self):
        self.sheet(self.boss)
        event = AuditEvent.objects.get(kind="export")
        self.assertEqual(
            (event.user, event.model, event.rows, event.file_name), (self.boss, "registry.talent", 2, "talents.xlsx")
        )

    def test_export_reimports_unchanged(self):
        data = service.export(Talent.objects.all(), self.boss, "xlsx", "talents.xlsx")
        plan, header, rows = service.validate(Talent, data, "talents.xlsx", self.boss)
        self.assertEqual([str(e) for e in plan.errors], [])
        self.assertEqual(plan.counts["unchanged"], 2)

    def test_query_count_does_not_grow_with_rows(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from registry.models import CommissionerTeam, Division

        def count(model):
            with CaptureQueriesContext(connection) as queries:
                service.export(model.objects.all(), self.boss, "xlsx", "a.xlsx")
            return len(queries)

        few = count(Talent), count(CommissionerTeam)
        Talent.objects.bulk_create([Talent(name=f"人{i}", employer=self.org) for i in range(3000)])
        teams = CommissionerTeam.objects.bulk_create([CommissionerTeam(name=f"团{i}") for i in range(50)])
        for team in teams:
            team.divisions.set(Division.objects.all()[:3])
        self.assertEqual((count(Talent), count(CommissionerTeam)), few)


@override_settings(ROOT_URLCONF="registry.tests.impexp_support")
class AdminExportTests(ExportCase):
    def test_export_honours_search_and_filters(self):
        ensure_permissions()
        Organization.objects.create(name="内蒙古大学", kind="university")
        clerk = staff("exporter", ["view_organization", "export_organization"])
        self.client.force_login(clerk)
        response = self.client.post(
            "/admin/registry/organization/export/?kind__exact=university", {"format": "0", "resource": "0"}
        )
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        self.assertEqual([row[0] for row in sheet.iter_rows(min_row=2, values_only=True)], ["内蒙古大学"])
        response = self.client.post("/admin/registry/organization/export/?q=HYPER", {"format": "1", "resource": "0"})
        self.assertTrue(response.content.startswith(codecs.BOM_UTF8))
        self.assertEqual(
            response.content.decode("utf-8-sig").splitlines()[1:], ['"\'=HYPERLINK(""http://x"")",企业,,,,,']
        )
        self.assertEqual(AuditEvent.objects.filter(kind="export", user=clerk).count(), 2)

    def test_export_needs_export_permission(self):
        viewer = staff("viewer", ["view_organization"])
        self.client.force_login(viewer)
        self.assertEqual(self.client.post("/admin/registry/organization/export/", {"format": "0"}).status_code, 403)
