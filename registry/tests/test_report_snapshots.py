"""The reports page reads snapshots computed by a background task: one per audience (districts and
visible record types), recounted after an approval, when old, or when asked; never counted twice at
once; the downloaded file is the page's snapshot."""

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks.backends.dummy import DummyBackend
from openpyxl import load_workbook

from registry import review, roles
from registry.models import Organization, ReportSnapshot, Talent
from registry.reports import snapshots
from registry.tests.access_support import make_user
from registry.tests.report_data import contract, day, organization, superuser, talent
from registry.tests.review_support import approved, division

SAIHAN, XINCHENG = "150105", "150102"
QUEUED_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def queued():
    """The tasks the dummy backend that refresh_snapshot enqueues on holds (queued, not run)."""
    backend = snapshots.refresh_snapshot.get_backend()
    assert isinstance(backend, DummyBackend)
    return backend.results


def district_row(response, name):
    tables = {table.slug: table for table in response.context["tables"]}
    return {row[0]: row[1:] for row in tables["by-district"].rows}.get(name)


class ReportSnapshotTests(TestCase):
    boss: Any
    clerk: Any
    other_clerk: Any
    reviewer: Any
    dairy: Organization
    mill: Organization
    pending: Talent

    @classmethod
    def setUpTestData(cls):
        cls.boss = superuser()
        cls.dairy = organization("乳业公司", SAIHAN)
        cls.mill = organization("面粉厂", XINCHENG)
        approved(talent("甲", cls.dairy, introduced_on=day(2022)))
        approved(talent("乙", cls.mill, introduced_on=day(2023)))
        cls.pending = talent("丙", cls.dairy, introduced_on=day(2023))
        cls.clerk = make_user("xc_report_clerk", roles.DATA_ENTRY, divisions=[division(XINCHENG)])
        cls.other_clerk = make_user("xc_report_clerk2", roles.DATA_ENTRY, divisions=[division(XINCHENG)])
        cls.reviewer = make_user("report_reviewer", roles.REVIEWER)

    def page(self, user, query=""):
        self.client.force_login(user)
        response = self.client.get(reverse("admin:registry_reports") + query)
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_first_view_counts_and_later_views_read_the_snapshot(self):
        first = self.page(self.boss)
        self.assertEqual(district_row(first, "赛罕区")[:2], [1, 1])
        self.assertEqual(ReportSnapshot.objects.count(), 1)
        with mock.patch.object(snapshots, "report_tables") as counted:
            again = self.page(self.boss)
        counted.assert_not_called()
        self.assertEqual(district_row(again, "赛罕区")[:2], [1, 1])
        self.assertContains(again, "统计时间")

    def test_an_approval_makes_the_next_view_recount(self):
        self.page(self.boss)
        submitter = make_user("report_submitter", roles.DATA_ENTRY)
        review.submit(self.pending, submitter)
        review.approve(self.pending, self.reviewer)
        self.assertEqual(district_row(self.page(self.boss), "赛罕区")[:2], [1, 2])

    def test_a_district_clerk_and_a_superuser_see_their_own_snapshots(self):
        clerk_page = self.page(self.clerk)
        self.assertEqual(district_row(clerk_page, "新城区")[:2], [1, 1])
        self.assertFalse(any(district_row(clerk_page, "赛罕区")))
        clerk_tables = clerk_page.context["tables"]
        self.assertEqual([t.total[2] for t in clerk_tables if t.slug == "by-district"], [1])
        boss_tables = self.page(self.boss).context["tables"]
        self.assertEqual([t.total[2] for t in boss_tables if t.slug == "by-district"], [2])
        self.assertEqual(ReportSnapshot.objects.count(), 2)
        # Two clerks of the same district with the same role share one snapshot.
        self.page(self.other_clerk)
        self.assertEqual(ReportSnapshot.objects.count(), 2)

    def test_each_language_has_its_snapshot(self):
        self.client.force_login(self.boss)
        self.client.cookies.load({"django_language": "en"})
        english = self.client.get(reverse("admin:registry_reports"))
        self.assertEqual(english.context["tables"][0].title, "By district")
        self.client.cookies.load({"django_language": "zh-hans"})
        chinese = self.client.get(reverse("admin:registry_reports"))
        self.assertEqual(chinese.context["tables"][0].title, "按旗县区")
        self.assertEqual(set(ReportSnapshot.objects.values_list("language", flat=True)), {"en", "zh-hans"})

    def test_amounts_survive_the_snapshot_exactly(self):
        approved(contract("合同一", "技术开发", day(2022), "123456", "100001", [self.dairy]))
        first = self.page(self.boss).context["tables"]
        again = self.page(self.boss).context["tables"]
        self.assertEqual([t.total for t in first], [t.total for t in again])
        by_year = next(t for t in again if t.slug == "by-year")
        self.assertIn(Decimal("12.35"), by_year.total)

    def test_the_download_is_the_snapshot_the_page_shows(self):
        self.page(self.boss)
        approved(talent("丁", self.dairy, introduced_on=day(2023)))  # bypasses review: no recount yet
        self.client.force_login(self.boss)
        with mock.patch.object(snapshots, "report_tables") as counted:
            response = self.client.get(reverse("admin:registry_report_xlsx", args=["by-district"]))
        counted.assert_not_called()
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
        self.assertEqual(rows["赛罕区"][1], 1)

    def test_an_old_snapshot_is_recounted(self):
        self.page(self.boss)
        approved(talent("丁", self.dairy, introduced_on=day(2023)))
        ReportSnapshot.objects.update(computed_at=timezone.now() - timedelta(hours=1))
        self.assertEqual(district_row(self.page(self.boss), "赛罕区")[:2], [1, 2])

    def test_recount_now_recounts(self):
        self.page(self.boss)
        approved(talent("丁", self.dairy, introduced_on=day(2023)))
        self.assertEqual(district_row(self.page(self.boss), "赛罕区")[:2], [1, 1])
        self.assertEqual(district_row(self.page(self.boss, "?recount=1"), "赛罕区")[:2], [1, 2])

    @override_settings(TASKS=QUEUED_ONLY)
    def test_with_a_worker_the_page_says_it_is_counting_and_asks_once(self):
        first = self.page(self.boss)
        self.assertContains(first, "报表正在首次统计")
        self.assertContains(first, '<meta http-equiv="refresh" content="5">')
        self.page(self.boss)
        self.page(self.boss, "?recount=1")
        snapshot = ReportSnapshot.objects.get()
        self.assertEqual([result.args for result in queued()], [[snapshot.pk]])
        # The worker's task fills it in; the page then shows it.
        snapshots.refresh_snapshot.call(snapshot.pk)
        shown = self.page(self.boss)
        self.assertEqual(district_row(shown, "赛罕区")[:2], [1, 1])
        self.assertNotContains(shown, 'http-equiv="refresh"')

    @override_settings(TASKS=QUEUED_ONLY)
    def test_a_download_before_any_count_asks_the_worker_and_comes_back(self):
        self.client.force_login(self.boss)
        url = reverse("admin:registry_report_xlsx", args=["by-district"])
        with mock.patch.object(snapshots, "report_tables") as counted:
            response = self.client.get(url, {"year": "2023"}, follow=True)
        counted.assert_not_called()  # not counted in the request
        self.assertEqual(response.redirect_chain[0][0], reverse("admin:registry_reports") + "?year=2023")
        self.assertContains(response, "正在统计")
        snapshot = ReportSnapshot.objects.get(period=2023)
        self.assertEqual([result.args for result in queued()], [[snapshot.pk]])
        snapshots.refresh_snapshot.call(snapshot.pk)
        ready = self.client.get(url, {"year": "2023"})
        self.assertEqual(ready.status_code, 200)
        self.assertEqual(
            ready["Content-Type"].split(";")[0], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    def test_a_download_before_any_count_is_counted_at_once_without_a_worker(self):
        self.client.force_login(self.boss)
        response = self.client.get(reverse("admin:registry_report_xlsx", args=["by-district"]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ReportSnapshot.objects.exclude(computed_at=None).count(), 1)

    @override_settings(TASKS=QUEUED_ONLY)
    def test_a_refresh_whose_worker_died_is_asked_again_later(self):
        self.page(self.boss)
        ReportSnapshot.objects.update(refresh_requested_at=timezone.now() - timedelta(minutes=5))
        self.page(self.boss)
        self.assertEqual(len(queued()), 1)
        ReportSnapshot.objects.update(refresh_requested_at=timezone.now() - timedelta(hours=1))
        self.page(self.boss)
        self.assertEqual(len(queued()), 2)

    def test_the_task_counts_for_the_audience_not_for_whoever_runs_it(self):
        self.page(self.clerk)
        snapshot = ReportSnapshot.objects.get()
        ReportSnapshot.objects.update(tables=None)
        snapshots.refresh_snapshot.call(snapshot.pk)
        snapshot.refresh_from_db()
        tables = snapshots.tables_of(snapshot)
        district = next(t for t in tables if t.slug == "by-district")
        self.assertEqual(district.total[2], 1)  # the clerk's district only

    def test_a_user_without_report_columns_is_refused(self):
        nobody = make_user("no_records")
        self.client.force_login(nobody)
        nobody.is_staff = True
        nobody.save()
        response = self.client.get(reverse("admin:registry_reports"))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(ReportSnapshot.objects.count(), 0)

    def test_the_command_recounts_what_is_out_of_date(self):
        self.page(self.boss)
        self.page(self.clerk)
        ReportSnapshot.objects.filter(audience_scope__isnull=True).update(
            computed_at=timezone.now() - timedelta(hours=1)
        )
        approved(talent("丁", self.dairy, introduced_on=day(2023)))
        out = io.StringIO()
        call_command("refresh_reports", stdout=out)
        self.assertIn("1 份已安排重新统计，共 2 份", out.getvalue())
        boss = ReportSnapshot.objects.get(audience_scope__isnull=True)
        self.assertEqual(next(t for t in snapshots.tables_of(boss) if t.slug == "by-district").total[2], 3)
