"""Reported vs registered: each indicator next to the count of the records the registry holds."""

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from registry.models import (
    Commissioner,
    CommissionerTeam,
    Indicator,
    Platform,
    PlatformExpert,
    PlatformMember,
    Policy,
    Project,
    Source,
    TechContract,
    TechnologyBroker,
    TrainingBase,
    TransferAgency,
    Workstation,
)
from registry.reports.indicators import COMPUTATIONS, indicator_comparison
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

ARTICLES = Path(settings.BASE_DIR) / "fixtures" / "articles.json"
BRIEF_VOCABULARY = {
    "commissioners",
    "enterprise_commissioners",
    "enterprise_commissioner_workstations",
    "commissioner_expert_workstations",
    "academician_workstations",
    "commissioner_teams",
    "transfer_agencies",
    "training_bases",
    "brokers",
    "high_tech_enterprises",
    "tech_smes",
    "leading_enterprises",
    "landing_projects",
    "open_competition_projects",
    "platform_members",
    "platform_academicians",
    "platform_experts",
    "tech_contracts",
    "policies",
}


class IndicatorComparisonTest(TestCase):
    boss: User
    centre: Platform
    source: Source

    @classmethod
    def setUpTestData(cls):
        cls.boss = superuser()
        cls.source = Source.objects.create(key="article-1", title="呼和浩特日报")
        firm, univ = organization("乳业公司"), organization("内蒙古大学", kind="university")
        a, b, c = talent("甲", firm), talent("乙", univ), talent("丙", univ)
        commissioner("enterprise", a)
        commissioner("enterprise", b)
        commissioner("agricultural", c)
        qualification(firm, "高新技术企业")
        qualification(univ, "高新技术企业", issued_on=day(2020), valid_until=day(2023))
        cls.centre = Platform.objects.create(name="创新中心", kind="innovation_centre")
        other = Platform.objects.create(name="另一平台", kind="other")
        PlatformMember.objects.create(platform=cls.centre, organization=firm)
        PlatformMember.objects.create(platform=cls.centre, organization=univ)
        PlatformMember.objects.create(platform=other, organization=univ)
        PlatformExpert.objects.create(platform=cls.centre, talent=a, role="academician")
        PlatformExpert.objects.create(platform=cls.centre, talent=b, role="leading_expert")
        contract("合同", "技术服务")
        approve_all()

    def setUp(self):
        cache.clear()  # the dashboard is cached per user id, and ids repeat between tests

    def indicator(self, metric, value, computed_as="", **fields):
        return Indicator.objects.create(
            subject="呼和浩特市",
            metric=metric,
            value=Decimal(value),
            unit="名",
            source=self.source,
            computed_as=computed_as,
            **fields,
        )

    def compare(self, user=None):
        with translation.override("en"):
            return {row.indicator.metric: row for row in indicator_comparison(user or self.boss)}

    def test_every_name_of_the_brief_has_a_computation(self):
        self.assertEqual(set(COMPUTATIONS), BRIEF_VOCABULARY)

    def test_registered_count_and_completeness(self):
        self.indicator("企业科技特派员", "8", "enterprise_commissioners", qualifier="more_than", as_of_year=2024)
        self.indicator("科技特派员", "3", "commissioners")
        row = self.compare()["企业科技特派员"]
        self.assertEqual(row.registered, 2)
        self.assertEqual(row.ratio, Decimal("25"))
        self.assertEqual(self.compare()["科技特派员"].ratio, Decimal("100"))

    def test_qualifications_count_the_valid_ones_of_the_kind(self):
        self.indicator("高新技术企业", "10", "high_tech_enterprises")
        self.assertEqual(self.compare()["高新技术企业"].registered, 1)

    def test_platform_counts_are_for_the_indicators_platform(self):
        self.indicator("成员单位", "5", "platform_members", platform=self.centre)
        self.indicator("院士", "1", "platform_academicians", platform=self.centre)
        self.indicator("专家", "4", "platform_experts", platform=self.centre)
        self.indicator("无平台的成员单位", "5", "platform_members")
        rows = self.compare()
        self.assertEqual([rows[m].registered for m in ("成员单位", "院士", "专家")], [2, 1, 2])
        self.assertIsNone(rows["无平台的成员单位"].registered)
        self.assertEqual(rows["无平台的成员单位"].note, "the indicator names no platform")

    def test_counts_of_every_other_name(self):
        expected = {
            "commissioner_teams": CommissionerTeam,
            "transfer_agencies": TransferAgency,
            "training_bases": TrainingBase,
            "brokers": TechnologyBroker,
            "tech_contracts": TechContract,
            "policies": Policy,
        }
        CommissionerTeam.objects.create(name="特派团")
        Policy.objects.create(title="政策")
        Workstation.objects.create(name="站", kind="academician_expert")
        Project.objects.create(title="项目", kind="landing")
        approve_all()
        for name in [*expected, "academician_workstations", "landing_projects", "open_competition_projects"]:
            self.indicator(name, "1", name)
        rows = self.compare()
        for name, model in expected.items():
            self.assertEqual(rows[name].registered, model.objects.count(), name)
        self.assertEqual(rows["academician_workstations"].registered, 1)
        self.assertEqual(rows["landing_projects"].registered, 1)
        self.assertEqual(rows["open_competition_projects"].registered, 0)

    def test_each_registered_count_links_to_its_records(self):
        for name in ("enterprise_commissioners", "high_tech_enterprises", "tech_contracts"):
            self.indicator(name, "1", name)
        self.indicator("platform_academicians", "1", "platform_academicians", platform=self.centre)
        for row in self.compare().values():
            with self.subTest(metric=row.indicator.metric):
                self.assertEqual(changelist_count(self, self.boss, row.url), row.registered)

    def test_indicators_without_or_with_unknown_computation_show_the_reported_value_only(self):
        self.indicator("技术合同成交额", "12.5")
        self.indicator("神秘指标", "3", "no_such_count")
        rows = self.compare()
        self.assertIsNone(rows["技术合同成交额"].registered)
        self.assertIsNone(rows["技术合同成交额"].ratio)
        self.assertIn("no_such_count", rows["神秘指标"].note)

    def test_counts_need_the_permission_to_view_the_records(self):
        self.indicator("企业科技特派员", "8", "enterprise_commissioners")
        clerk = staff_with("view_indicator")
        row = self.compare(clerk)["企业科技特派员"]
        self.assertIsNone(row.registered)

    def test_query_count_does_not_depend_on_indicators(self):
        self.indicator("一", "1", "commissioners")
        self.indicator("二", "1", "platform_members", platform=self.centre)
        with self.assertNumQueries(3):  # the indicators, one COUNT, one GROUP BY per platform
            indicator_comparison(self.boss)
        for i in range(5):
            self.indicator(f"更多{i}", "1", "commissioners")
            self.indicator(f"平台{i}", "1", "platform_members", platform=self.centre)
        with self.assertNumQueries(3):  # the indicators, one COUNT, one GROUP BY per platform
            indicator_comparison(self.boss)

    def test_dashboard_shows_reported_next_to_registered(self):
        self.indicator("企业科技特派员", "8", "enterprise_commissioners", qualifier="more_than", as_of_year=2024)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        self.client.force_login(self.boss)
        response = self.client.get(reverse("admin:index"))
        self.assertContains(response, 'id="reported-vs-registered"')
        self.assertContains(response, "企业科技特派员")
        self.assertContains(response, "25%")
        self.assertContains(response, "review_status__exact=approved&amp;kind__exact=enterprise")


class ArticleIndicatorsTest(TestCase):
    """With the article fixtures loaded, the comparison counts exactly the records of each kind."""

    boss: User

    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", str(ARTICLES), verbosity=0)
        cls.boss = superuser()

    def test_computed_indicators_count_the_fixture_records(self):
        rows = [row for row in indicator_comparison(self.boss) if row.indicator.computed_as in COMPUTATIONS]
        self.assertTrue(rows, "the article fixtures name no computation")
        direct = {
            "commissioners": Commissioner.objects.count(),
            "enterprise_commissioners": Commissioner.objects.filter(kind="enterprise").count(),
            "brokers": TechnologyBroker.objects.count(),
            "transfer_agencies": TransferAgency.objects.count(),
            "tech_contracts": TechContract.objects.count(),
        }
        for row in rows:
            with self.subTest(indicator=str(row.indicator)):
                if row.indicator.computed_as in direct:
                    self.assertEqual(row.registered, direct[row.indicator.computed_as])
                if row.registered is not None:
                    self.assertEqual(changelist_count(self, self.boss, row.url), row.registered)
