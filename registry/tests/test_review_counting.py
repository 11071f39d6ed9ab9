"""Only approved records count: dashboard, reports, their files and reported-vs-registered; the switch
含待审核 adds submitted ones; records that existed before the review states are approved."""

from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TestCase, TransactionTestCase
from django.urls import reverse
from openpyxl import load_workbook

from registry import review
from registry.models import Indicator, ReviewStatus, Source, Talent
from registry.tests.report_data import changelist_count, organization, superuser, talent
from registry.tests.review_support import load_reference_data, review_cast, service_record, set_status

ARTICLES = Path(settings.BASE_DIR) / "fixtures" / "articles.json"
SUBMITTED, APPROVED = ReviewStatus.SUBMITTED, ReviewStatus.APPROVED


def talents_total(response):
    section = next(s for s in response.context["dashboard"]["sections"] if s["title"] == "Talents")
    return section["breakdowns"][0].total


class CountingTest(TestCase):
    boss: Any
    talents: dict[str, Talent]

    @classmethod
    def setUpTestData(cls):
        cls.boss = superuser()
        firm = organization("乳业公司", "150102")
        cls.talents = {status: set_status(talent(f"人才{status}", firm), status) for status in ReviewStatus.values}

    def setUp(self):
        cache.clear()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.client.force_login(self.boss)

    def index(self, **params):
        response = self.client.get(reverse("admin:index"), params)
        self.assertEqual(response.status_code, 200)
        return response

    def test_dashboard_counts_approved_records_and_links_to_them(self):
        response = self.index()
        total = talents_total(response)
        self.assertEqual(total.count, 1)
        self.assertIn("review_status__exact=approved", total.url)
        self.assertEqual(changelist_count(self, self.boss, total.url), 1)
        self.assertContains(response, 'id="counting-switch"')
        self.assertContains(response, "Counted: approved records only.")

    def test_switch_includes_submitted_records_on_the_dashboard(self):
        response = self.index(submitted="1")
        total = talents_total(response)
        self.assertEqual(total.count, 2)
        self.assertIn("review_status__in=approved%2Csubmitted", total.url)
        self.assertEqual(changelist_count(self, self.boss, total.url), 2)
        self.assertContains(response, "Counted: approved and submitted records.")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        self.assertContains(self.index(), "含待审核")

    def test_the_count_moves_when_a_record_is_approved_not_before(self):
        users = review_cast()
        record = talent("新人才", organization("新城区公司", "150102"))
        self.assertEqual(talents_total(self.index()).count, 1)
        review.submit(record, users["clerk"])
        self.assertEqual(talents_total(self.index()).count, 1)  # submitted: not yet
        with self.captureOnCommitCallbacks(execute=True):
            review.approve(record, users["reviewer"])
        self.assertEqual(talents_total(self.index()).count, 2)  # at once, without asking for a recount

    def test_reports_count_approved_records_and_the_switch_adds_submitted(self):
        def introduced(params):
            response = self.client.get(reverse("admin:registry_reports"), params)
            table = next(t for t in response.context["tables"] if t.slug == "by-district")
            return table.total[table.header.index("talents (by employer)")], response

        count, response = introduced({})
        self.assertEqual(count, 1)
        self.assertContains(response, "Counted: approved records only.")
        count, response = introduced({"submitted": "1"})
        self.assertEqual(count, 2)
        self.assertContains(response, "by-district.xlsx?submitted=1")

    def test_report_files_say_what_they_count(self):
        for params, expected in (
            ({}, "Counted: approved records only."),
            ({"submitted": "1"}, "approved and submitted"),
        ):
            response = self.client.get(reverse("admin:registry_report_xlsx", args=["by-district"]), params)
            cells = [
                cell
                for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
                for cell in row
            ]
            with self.subTest(params=params):
                self.assertTrue(any(isinstance(cell, str) and expected in cell for cell in cells))

    def test_reported_vs_registered_uses_approved_records_whatever_the_switch(self):
        source = Source.objects.create(key="s", title="来源")
        Indicator.objects.create(
            subject="呼和浩特市",
            metric="科技特派员",
            value=Decimal(2),
            unit="名",
            source=source,
            computed_as="commissioners",
        )
        from registry.models import Commissioner

        for status, person in self.talents.items():
            set_status(Commissioner.objects.create(kind="enterprise", talent=person), status)
        for params in ({}, {"submitted": "1"}):
            comparison = self.index(**params).context["dashboard"]["indicators"][0]
            with self.subTest(params=params):
                self.assertEqual(comparison.registered, 1)
                self.assertEqual(changelist_count(self, self.boss, comparison.url), 1)


class ExistingRecordsTest(TestCase):
    def test_article_fixtures_load_as_approved(self):
        call_command("loaddata", str(ARTICLES), verbosity=0)
        for model in review.reviewed_models():
            with self.subTest(model=model.__name__):
                self.assertFalse(model._default_manager.exclude(review_status=APPROVED).exists())
        self.assertGreater(review.counted(Talent.objects.all()).count(), 10)


class MigrationTest(TransactionTestCase):
    """Records stored before migration 0012 come out of it approved; new ones start as drafts."""

    BEFORE = [("registry", "0011_policy_kind_project_platform")]

    def setUp(self):
        load_reference_data()

    def tearDown(self):
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())  # the latest state again, even after a failure

    def test_records_stored_before_the_review_states_are_approved(self):
        executor = MigrationExecutor(connection)
        executor.migrate(self.BEFORE)
        old_apps = executor.loader.project_state(self.BEFORE).apps
        old_apps.get_model("registry", "Talent").objects.create(name="老记录")
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        self.assertEqual(Talent.objects.get(name="老记录").review_status, APPROVED)
        self.assertEqual(service_record().review_status, ReviewStatus.DRAFT)
