"""The reports page as staff use it: a year selector, numbers that link to their records, one
footnote per kind of table, Chinese file names."""

from urllib.parse import unquote

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse

from registry.tests.report_data import contract, day, organization, superuser, talent
from registry.tests.review_support import approved

SAIHAN = "150105"


class ReportPageTests(TestCase):
    boss: User

    @classmethod
    def setUpTestData(cls):
        cls.boss = superuser()
        dairy = organization("乳业公司", SAIHAN)
        # Reports count approved records (registry.review.counted).
        approved(talent("甲", dairy, introduced_on=day(2022)))
        approved(talent("乙", dairy, introduced_on=day(2023)))
        approved(contract("合同一", "技术开发", day(2022), "100000", "80000", [dairy]))

    def page(self, query=""):
        self.client.force_login(self.boss)
        response = self.client.get(reverse("admin:registry_reports") + query)
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_year_selector_limits_the_dated_records(self):
        tables = {t.slug: t for t in self.page("?year=2022").context["tables"]}
        district = {row[0]: row[1:] for row in tables["by-district"].rows}
        self.assertEqual(district["赛罕区"][:2], [1, 1])  # one organization (undated), one talent of 2022
        self.assertEqual([row[0] for row in tables["by-year"].rows], [2022])
        page = self.page().content.decode()
        self.assertIn('<option value="2023">', page)
        self.assertIn('<option value="2022">', page)

    def test_numbers_link_to_the_filtered_lists(self):
        html = self.page("?year=2023").content.decode()
        # The list link also names the review states counted (registry.review.counted_filter).
        self.assertRegex(html, r'/admin/registry/talent/\?[^"]*employer__division__id__exact=')
        self.assertIn("introduced_on__year=2023", html)
        self.client.force_login(self.boss)
        links = self.page().context["tables"][0].linked_rows
        url = next(url for label, cells in links if label == "赛罕区" for value, url in cells[1:2])
        listed = self.client.get(url)
        self.assertEqual(listed.status_code, 200)
        self.assertEqual(listed.context["cl"].result_count, 2)

    def test_a_footnote_shared_by_tables_is_shown_once(self):
        html = self.page().content.decode()
        self.assertEqual(html.count("关联多个地区的合同或特派员在每个地区各计一次"), 1)

    def test_downloads_have_chinese_file_names(self):
        self.client.force_login(self.boss)
        response = self.client.get(reverse("admin:registry_report_xlsx", args=["by-district"]) + "?year=2022")
        self.assertIn("按旗县区-2022年-", unquote(response["Content-Disposition"]))

    def test_the_english_page_fits_1366_pixels_by_wrapping_headers(self):
        self.client.cookies["django_language"] = "en"
        html = self.page().content.decode()
        self.assertIn('class="registry-table-wrap"', html)
        self.assertIn("Period", html)
