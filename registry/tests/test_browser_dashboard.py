"""In Chromium: the dashboard on the admin index renders its charts and figures from the article data."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from registry.models import Platform

from .browser import BrowserTestCase

ADMIN = "/" + settings.ADMIN_URL


class DashboardFlowTests(BrowserTestCase):
    def test_dashboard_shows_charts_and_figures_that_link_to_their_records(self):
        call_command("loaddata", "articles", verbosity=0)
        get_user_model().objects.create_superuser("chief", password="browser-Test-pass-2026")
        self.log_in("chief", "browser-Test-pass-2026")
        page = self.page
        page.wait_for_selector(".registry-dashboard")
        self.snap("dashboard-top", full_page=False)
        self.snap("dashboard")

        charts = page.locator(".registry-dashboard svg")
        self.assertGreater(charts.count(), 5)
        box = charts.first.bounding_box()
        self.assertTrue(box and box["width"] > 0 and box["height"] > 0, "charts must be drawn")

        platforms = page.locator(".registry-card", has_text="创新平台").first
        self.assertEqual(int(platforms.locator(".registry-total").inner_text()), Platform.objects.count())
        figures = page.locator(".registry-dashboard").inner_text()
        self.assertIn("国家乳业技术创新中心", figures)  # reported vs registered

        platforms.locator(".registry-total").click()
        page.wait_for_selector("#result_list")
        self.assertEqual(page.locator("#result_list tbody tr").count(), Platform.objects.count())
        self.snap("platforms-from-dashboard")
