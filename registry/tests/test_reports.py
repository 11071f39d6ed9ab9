"""The statistical reports: figures by district, zone, cluster and year, and their xlsx downloads."""

from decimal import Decimal
from io import BytesIO
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from registry import roles
from registry.models import AuditEvent
from registry.tests.access_support import make_user
from registry.tests.report_data import (
    approve_all,
    commissioner,
    contract,
    day,
    organization,
    qualification,
    staff_with,
    superuser,
    talent,
)

SAIHAN, YUQUAN, TUOKETUO = "150105", "150104", "150122"
JINSHAN = "呼和浩特金山高新技术产业开发区"


class ReportsTest(TestCase):
    boss: User

    @classmethod
    def setUpTestData(cls):
        cls.boss = superuser()
        dairy = organization("乳业公司", SAIHAN, JINSHAN, "绿色农畜产品加工")
        lab = organization("材料研究院", SAIHAN, None, "新材料", kind="institute")
        univ = organization("内蒙古大学", YUQUAN, None, None, kind="university")
        organization("无地址公司")
        a = talent("甲", dairy, introduced_on=day(2022))
        b = talent("乙", univ, introduced_on=day(2023))
        talent("丙", univ)
        talent("丁", None, introduced_on=day(2023))
        qualification(dairy, "高新技术企业", issued_on=day(2022))
        qualification(lab, "高新技术企业", issued_on=day(2023))
        qualification(lab, "科技型中小企业", issued_on=day(2023))
        commissioner("enterprise", a, divisions=[SAIHAN, TUOKETUO], term_start=day(2023))
        commissioner("agricultural", b, divisions=[TUOKETUO])
        # Sold by two organizations of 赛罕区: counts once there; by 赛罕区 and 玉泉区: once in each.
        contract("合同一", "技术开发", day(2022), "100000", "80000", [dairy, lab])
        contract("合同二", "技术服务", day(2023), "250000.50", None, [lab, univ])
        contract("合同三", "技术服务", None, "30000", "30000", [])
        approve_all()

    def page(self, user=None):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.client.force_login(user or self.boss)
        response = self.client.get(reverse("admin:registry_reports"))
        self.assertEqual(response.status_code, 200)
        return {table.slug: table for table in response.context["tables"]}

    def rows(self, table):
        return {row[0]: row[1:] for row in [*table.rows, table.total]}

    def download(self, slug, user=None):
        self.client.force_login(user or self.boss)
        return self.client.get(reverse("admin:registry_report_xlsx", args=[slug]))

    def test_by_district(self):
        table = self.page()["by-district"]
        self.assertEqual(
            table.header[1:],
            [
                "organizations",
                "talents (by employer)",
                "enterprise qualifications",
                "contracts (sellers)",
                "contract amount (10k yuan)",
                "transaction amount (10k yuan)",
                "commissioners (districts served)",
            ],
        )
        rows = self.rows(table)
        self.assertEqual(rows["赛罕区"], [2, 1, 3, 2, Decimal("35.00"), Decimal("8.00"), 1])
        self.assertEqual(rows["玉泉区"], [1, 2, 0, 1, Decimal("25.00"), Decimal("0.00"), 0])
        self.assertEqual(rows["托克托县"], [0, 0, 0, 0, Decimal("0.00"), Decimal("0.00"), 2])
        self.assertEqual(rows["not filled in"], [1, 1, 0, 1, Decimal("3.00"), Decimal("3.00"), 0])
        self.assertEqual(rows["total"], [4, 4, 3, 3, Decimal("38.00"), Decimal("11.00"), 2])
        # Hohhot's divisions are listed even when empty; other provinces only when they hold records.
        self.assertIn("武川县", rows)
        self.assertNotIn("北京市", rows)

    def test_by_zone_and_cluster(self):
        tables = self.page()
        zone = self.rows(tables["by-zone"])
        self.assertEqual(zone[JINSHAN][:3], [1, 1, 1])
        self.assertEqual(zone["not filled in"][:4], [3, 3, 2, 2])  # 合同二 and 合同三 have no seller in a zone
        cluster = self.rows(tables["by-cluster"])
        self.assertEqual(cluster["新材料"][:4], [1, 0, 2, 2])
        self.assertNotIn("commissioners (districts served)", tables["by-zone"].header)

    def test_by_year(self):
        table = self.page()["by-year"]
        rows = self.rows(table)
        self.assertEqual(table.header[1:3], ["talents introduced", "commissioner terms started"])
        self.assertEqual(rows[2022], [1, 0, 0, 0, 1, 1, Decimal("10.00"), Decimal("8.00")])
        self.assertEqual(rows[2023], [2, 1, 0, 0, 2, 1, Decimal("25.00"), Decimal("0.00")])
        self.assertEqual(rows["no date"], [1, 1, 0, 0, 0, 1, Decimal("3.00"), Decimal("3.00")])
        self.assertEqual(rows["total"], [4, 2, 0, 0, 3, 3, Decimal("38.00"), Decimal("11.00")])

    def test_each_download_holds_the_numbers_on_screen(self):
        for slug, table in self.page().items():
            with self.subTest(slug=slug):
                response = self.download(slug)
                self.assertEqual(response.status_code, 200)
                self.assertIn("attachment;", response["Content-Disposition"])
                sheet = load_workbook(BytesIO(response.content)).worksheets[0]
                cells = [list(row) for row in sheet.iter_rows(values_only=True)]
                self.assertEqual(cells[0][0], table.title)
                self.assertEqual(cells[1], table.header)
                body = cells[2 : 2 + len(table.rows) + 1]
                self.assertEqual([_numbers(row) for row in body], [_numbers(row) for row in [*table.rows, table.total]])

    def test_download_is_audited(self):
        self.download("by-district")
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
        self.assertEqual((event.kind, event.model, event.username), ("export", "report:by-district", "boss"))

    def test_unknown_report_is_not_found(self):
        self.assertEqual(self.download("by-planet").status_code, 404)

    def test_columns_follow_view_permissions(self):
        clerk = staff_with("view_organization")
        tables = self.page(clerk)
        self.assertEqual(tables["by-district"].header[1:], ["organizations"])
        self.assertNotIn("by-year", tables)  # organizations have no date of their own
        self.assertEqual(self.download("by-year", clerk).status_code, 403)

    def test_downloads_need_the_export_permission(self):
        # Issue 13 point 4: 数据录入员 (view, add, change, import; no export) could download the xlsx.
        clerk = make_user("entry", roles.DATA_ENTRY)
        self.client.force_login(clerk)
        page = self.client.get(reverse("admin:registry_reports"))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, reverse("admin:registry_report_xlsx", args=["by-district"]))
        for slug in ("by-district", "by-zone", "by-cluster", "by-year"):
            with self.subTest(slug=slug):
                self.assertEqual(self.download(slug, clerk).status_code, 403)
        self.assertFalse(AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists())
        self.assertEqual(self.download("by-district", make_user("reader", roles.REVIEWER)).status_code, 200)

    def test_export_of_some_counted_models_is_not_enough(self):
        partial = staff_with("view_organization", "view_talent", "export_organization")
        self.assertEqual(self.download("by-district", partial).status_code, 403)
        partial.user_permissions.add(Permission.objects.get(codename="export_talent"))
        self.assertEqual(self.download("by-district", type(partial).objects.get(pk=partial.pk)).status_code, 200)

    def test_staff_without_view_permission_are_refused(self):
        clerk = staff_with()
        self.client.force_login(clerk)
        self.assertEqual(self.client.get(reverse("admin:registry_reports")).status_code, 403)
        self.assertEqual(self.download("by-district", clerk).status_code, 403)

    def test_anonymous_users_are_sent_to_the_login(self):
        for url in (reverse("admin:registry_reports"), reverse("admin:registry_report_xlsx", args=["by-year"])):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("admin:login"), response["Location"])

    def test_every_figure_is_scoped(self):
        with mock.patch("registry.reports.figures.scope_queryset", lambda user, qs: qs.none()):
            tables = self.page()
        numbers = {value for table in tables.values() for row in [*table.rows, table.total] for value in row[1:]}
        self.assertEqual(numbers, {0})


def _numbers(row):
    """A row with amounts as Decimal cents, as both the page and the workbook must show them."""
    return [
        Decimal(str(value)).quantize(Decimal("0.01")) if isinstance(value, (float, Decimal)) else value for value in row
    ]
