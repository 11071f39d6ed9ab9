"""The dashboard on the admin index: its figures match the records, and each links to them."""

from decimal import Decimal
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import (
    CommissionerTeam,
    Platform,
    Project,
    TechnologyBroker,
    TransferAgency,
    Workstation,
)
from registry.tests.report_data import (
    approve_all,
    changelist_count,
    commissioner,
    contract,
    day,
    organization,
    qualification,
    staff_with,
    superuser,
    talent,
)

TIER_1, TIER_2 = "英才兴蒙 一类", "英才兴蒙 二类"


def add_records(prefix=""):
    """A few records of every kind; called twice, it doubles every figure."""
    firm = organization(f"{prefix}乳业公司", "150105")
    univ = organization(f"{prefix}内蒙古大学", "150104", kind="university")
    a = talent(f"{prefix}甲", firm, TIER_1, "full_time")
    b = talent(f"{prefix}乙", univ, TIER_1, "flexible")
    c = talent(f"{prefix}丙", univ, TIER_2, "flexible")
    talent(f"{prefix}丁", None, None, "")
    commissioner("enterprise", a)
    commissioner("enterprise", b)
    commissioner("agricultural", c)
    commissioner("legal_person", unit=univ)
    Workstation.objects.create(name=f"{prefix}工作站一", kind="academician_expert", host=firm)
    Workstation.objects.create(name=f"{prefix}工作站二", kind="enterprise_commissioner", host=firm)
    CommissionerTeam.objects.create(name=f"{prefix}特派团")
    agency = TransferAgency.objects.create(organization=univ, level="region")
    TechnologyBroker.objects.create(talent=a, agency=agency, level="senior")
    TechnologyBroker.objects.create(talent=b, level="junior")
    contract(f"{prefix}合同一", "技术开发", day(2022), "100000", "80000", [univ])
    contract(f"{prefix}合同二", "技术开发", day(2023), "250000.50", None, [univ])
    contract(f"{prefix}合同三", "技术服务", day(2023), "50000", "50000", [firm])
    contract(f"{prefix}合同四", "技术服务", None, None, None)
    Platform.objects.create(name=f"{prefix}创新中心", kind="innovation_centre", level="region")
    Platform.objects.create(name=f"{prefix}研发机构", kind="new_rd_institution", level="")
    Project.objects.create(title=f"{prefix}揭榜项目", kind="open_competition", status="ongoing")
    Project.objects.create(title=f"{prefix}落地项目", kind="landing", status="completed")
    qualification(firm, "高新技术企业")
    qualification(univ, "科技型中小企业")
    qualification(firm, "科技型中小企业", number="2")
    approve_all()


def figures(dashboard):
    """{breakdown title: {part label: Figure}} with the total under the key "total"."""
    result = {}
    for section in dashboard["sections"]:
        for breakdown in section["breakdowns"]:
            parts = {part.label: part for part in breakdown.parts}
            result[breakdown.title] = {"total": breakdown.total, **parts}
    return result


class DashboardTest(TestCase):
    boss: User

    @classmethod
    def setUpTestData(cls):
        cls.boss = superuser()

    def setUp(self):
        cache.clear()  # the dashboard is cached per user id, and ids repeat between tests
        add_records()

    def index(self, user=None, language="en", refresh=True):
        # English labels make the assertions readable; Chinese is checked on its own below.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        self.client.force_login(user or self.boss)
        response = self.client.get(reverse("admin:index"), {"refresh": 1} if refresh else {})
        self.assertEqual(response.status_code, 200)
        return response

    def test_index_keeps_the_app_list_under_the_dashboard(self):
        response = self.index()
        self.assertIn("app_list", response.context)
        self.assertContains(response, 'id="registry-dashboard"')
        self.assertContains(response, 'id="content-main"')
        self.assertGreater(response.content.decode().count('<td class="registry-bar"><svg'), 50)
        # Contracts by year: a column per year with its count as text (2022: 1, 2023: 2).
        self.assertContains(response, 'class="registry-chart"', count=1)
        self.assertContains(response, 'aria-label="2022: 1; 2023: 2"')

    def test_counts_match_the_records(self):
        data = figures(self.index().context["dashboard"])
        self.assertEqual(data["Talents by tier"]["total"].count, 4)
        self.assertEqual(data["Talents by tier"][TIER_1].count, 2)
        self.assertEqual(data["Talents by tier"][TIER_2].count, 1)
        self.assertEqual(data["Talents by tier"]["not filled in"].count, 1)
        self.assertEqual(data["Talents by introduction mode"]["flexible introduction"].count, 2)
        self.assertEqual(data["Commissioners by kind"]["enterprise commissioner"].count, 2)
        self.assertEqual(data["Commissioners by kind"]["total"].count, 4)
        self.assertEqual(data["Workstations by kind"]["academician expert workstation"].count, 1)
        self.assertEqual(data["Commissioner teams"]["total"].count, 1)
        self.assertEqual(data["Brokers by level"]["senior"].count, 1)
        self.assertEqual(data["Agencies by level"]["autonomous region"].count, 1)
        self.assertEqual(data["Platforms by level"]["not filled in"].count, 1)
        self.assertEqual(data["Projects by status"]["completed"].count, 1)
        self.assertEqual(data["Qualifications by kind"]["科技型中小企业"].count, 2)

    def test_contract_amounts_are_summed_in_ten_thousand_yuan(self):
        data = figures(self.index().context["dashboard"])
        by_type = data["Contracts by type"]
        self.assertEqual(by_type["技术开发"].count, 2)
        self.assertEqual(by_type["技术开发"].amounts, (Decimal("35.00"), Decimal("8.00")))
        self.assertEqual(by_type["total"].amounts, (Decimal("40.00"), Decimal("13.00")))
        by_year = data["Contracts by year signed"]
        self.assertEqual(
            [(p.label, p.count) for p in by_year.values()][1:], [("2022", 1), ("2023", 2), ("not filled in", 1)]
        )
        self.assertEqual(by_year["2023"].amounts, (Decimal("30.00"), Decimal("5.00")))

    def test_every_figure_links_to_exactly_its_records(self):
        data = figures(self.index().context["dashboard"])
        checked = 0
        for title, parts in data.items():
            for label, figure in parts.items():
                with self.subTest(title=title, label=label, url=figure.url):
                    self.assertEqual(changelist_count(self, self.boss, figure.url), figure.count)
                    checked += 1
        self.assertGreater(checked, 50)

    def test_links_use_the_changelist_filter_parameters(self):
        data = figures(self.index().context["dashboard"])
        self.assertTrue(
            data["Commissioners by kind"]["enterprise commissioner"].url.endswith(
                "/registry/commissioner/?review_status__exact=approved&kind__exact=enterprise"
            )
        )
        self.assertTrue(
            data["Contracts by year signed"]["2022"].url.endswith(
                "/registry/techcontract/?review_status__exact=approved&signed_on__year=2022"
            )
        )

    def test_query_count_does_not_depend_on_rows(self):
        self.index()
        cache.clear()  # the header's review counts are cached briefly: counted afresh for both pages
        with CaptureQueriesContext(connection) as before:
            self.index()
        add_records("二")
        cache.clear()
        with CaptureQueriesContext(connection) as after:
            response = self.index()
        self.assertEqual(len(before), len(after))
        self.assertEqual(figures(response.context["dashboard"])["Commissioners by kind"]["total"].count, 8)

    def test_figures_are_cached_until_a_recount_is_asked_for(self):
        self.index(refresh=False)
        with CaptureQueriesContext(connection) as cached:
            response = self.index(refresh=False)
        self.assertFalse([q for q in cached.captured_queries if "registry_talent" in q["sql"]])
        add_records("二")
        self.assertEqual(figures(self.index(refresh=False).context["dashboard"])["Talents by tier"]["total"].count, 4)
        self.assertEqual(figures(self.index().context["dashboard"])["Talents by tier"]["total"].count, 8)
        self.assertContains(response, "?refresh=1")

    def test_staff_see_only_what_they_may_view(self):
        clerk = staff_with("view_commissioner")
        data = figures(self.index(clerk).context["dashboard"])
        self.assertEqual(list(data), ["Commissioners by kind"])

    def test_staff_without_view_permissions_get_the_plain_index(self):
        response = self.index(staff_with())
        self.assertNotContains(response, 'id="registry-dashboard"')

    def test_figures_respect_the_district_scope(self):
        # Every queryset goes through registry.access.scope_queryset: a user who sees nothing counts nothing.
        with mock.patch("registry.reports.figures.scope_queryset", lambda user, qs: qs.none()):
            data = figures(self.index().context["dashboard"])
        self.assertEqual({figure.count for parts in data.values() for figure in parts.values()}, {0})

    def test_anonymous_users_are_sent_to_the_login(self):
        response = self.client.get(reverse("admin:index"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])

    def test_labels_are_chinese_by_default(self):
        response = self.index(language="zh-hans")
        self.assertContains(response, "按类别统计的科技特派员")
