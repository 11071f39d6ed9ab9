"""In Chromium: enter an organization and a talent, find them, and revert a change from history."""

from django.conf import settings
from django.contrib.auth import get_user_model

from registry.models import Division, Organization, Talent

from .browser import BrowserTestCase

ADMIN = "/" + settings.ADMIN_URL


class RecordFlowsTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.password = "browser-Test-pass-2026"
        get_user_model().objects.create_superuser("chief", password=self.password)
        self.log_in("chief", self.password)

    def test_organization_with_a_wrong_credit_code_is_refused_then_saved(self):
        page = self.page
        page.goto(self.url(ADMIN + "registry/organization/add/"))
        page.fill("#id_name", "呼和浩特测试科技有限公司")
        page.fill("#id_credit_code", "91350100M000100Y4Z")
        page.click("input[name=_save]")
        error = page.locator(".errorlist").first
        self.assertIn("校验位错误", error.inner_text())
        self.assertIn("3", error.inner_text())
        self.snap("credit-code-error")
        self.assertFalse(Organization.objects.filter(name="呼和浩特测试科技有限公司").exists())

        page.fill("#id_credit_code", "91350100M000100Y43")
        page.click("input[name=_save]")
        page.wait_for_selector(".messagelist .success")
        self.snap("organization-saved")
        saved = Organization.objects.get(name="呼和浩特测试科技有限公司")
        self.assertEqual(saved.credit_code, "91350100M000100Y43")

    def test_talent_with_autocompleted_employer_is_found_by_search_and_filter(self):
        Organization.objects.create(
            name="内蒙古浏览器测试研究院", kind="institute", division=Division.objects.get(code="150105")
        )
        page = self.page
        page.goto(self.url(ADMIN + "registry/talent/add/"))
        page.fill("#id_name", "测试人才甲")
        page.click("#id_employer + .select2 .select2-selection")
        page.fill(".select2-container--open .select2-search__field", "浏览器测试")
        page.click(".select2-results__option:has-text('内蒙古浏览器测试研究院')")
        self.snap("employer-autocomplete")
        page.select_option("#id_introduction_mode", "flexible")
        page.click("input[name=_save]")
        page.wait_for_selector(".messagelist .success")
        talent = Talent.objects.get(name="测试人才甲")
        self.assertEqual(talent.employer.name, "内蒙古浏览器测试研究院")

        page.goto(self.url(ADMIN + "registry/talent/"))
        page.fill("#searchbar", "测试人才")
        page.press("#searchbar", "Enter")
        page.wait_for_load_state()
        self.assertIn("测试人才甲", page.locator("#result_list").inner_text())
        self.snap("search-result")
        page.goto(self.url(ADMIN + "registry/talent/?introduction_mode__exact=flexible"))
        self.assertIn("测试人才甲", page.locator("#result_list").inner_text())
        page.goto(self.url(ADMIN + "registry/talent/?introduction_mode__exact=full_time"))
        self.assertNotIn("测试人才甲", page.content())
        self.snap("filtered-out")

    def test_a_change_is_reverted_from_the_history_page(self):
        organization = Organization.objects.create(name="历史测试单位", notes="原始备注")
        page = self.page
        page.goto(self.url(ADMIN + f"registry/organization/{organization.pk}/change/"))
        page.fill("#id_notes", "改错的备注")
        page.click("input[name=_save]")
        page.wait_for_selector(".messagelist .success")
        organization.refresh_from_db()
        self.assertEqual(organization.notes, "改错的备注")

        page.goto(self.url(ADMIN + f"registry/organization/{organization.pk}/history/"))
        self.snap("history")
        # The oldest entry (the creation) holds the original notes; open it and revert.
        page.locator("#change-history a[href*='/history/']").last.click()
        self.assertIn("改错的备注", page.locator("#revert-changes").inner_text())
        self.snap("revert-form")
        page.click("input[name=_revert]")
        page.wait_for_selector(".messagelist .success")
        organization.refresh_from_db()
        self.assertEqual(organization.notes, "原始备注")
        self.assertIn("已还原", page.locator("#change-history").inner_text())
