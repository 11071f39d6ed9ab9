"""In Chromium at 1366x900: the sections on the index and in the sidebar, pinyin order, lists that
fit the screen, and a crawl of every admin page a clerk uses for English words, codes and "None"."""

import re

from django.conf import settings

from registry import roles
from registry.models import ContractType, Division, Organization, RegistrationStatus, Talent, TechContract
from registry.tests.access_support import PASSWORD, make_user

from .browser import BrowserTestCase

ADMIN = "/" + settings.ADMIN_URL
SECTIONS_ZH = ["人才", "科技特派员", "技术转移", "平台与项目", "政策与统计", "基础数据"]
SECTIONS_EN = ["Talents", "S&T commissioners", "Technology transfer", "Platforms and projects"]
# Words a Chinese page may show: file formats (spreadsheets, evidence files); Django's own calendar
# and clock shortcuts are not on the pages a clerk uses (the crawl reports them if they appear).
ALLOWED_WORDS = {"xlsx", "csv", "xls", "CSV", "UTF", "Excel", "GB", "ID", "PDF", "JPEG", "PNG", "OFD", "DOCX", "XLSX"}
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


class NavigationFlowTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.page.set_viewport_size({"width": 1366, "height": 900})
        division = Division.objects.filter(in_hohhot=True).order_by("code").first()
        employer = Organization.objects.create(name="呼和浩特测试单位", division=division)
        for name in ("张三", "王五", "李四"):
            Talent.objects.create(name=name, employer=employer, title="研究员", introduced_on="2024-03-01")
        self.clerk = make_user("clerk", roles.DATA_ENTRY, divisions=[division])
        self.log_in("clerk", PASSWORD)
        self.page.wait_for_selector(".registry-sections")

    def english(self):
        self.context.add_cookies([{"name": "django_language", "value": "en", "url": self.live_server_url}])

    def test_index_shows_the_business_lines_above_the_dashboard(self):
        page = self.page
        captions = page.locator(".registry-sections caption").all_inner_texts()
        self.assertEqual(captions[: len(SECTIONS_ZH)], SECTIONS_ZH)
        first = page.locator(".registry-sections .module").first.bounding_box()
        assert first is not None, "the first section is shown"
        self.assertLess(first["y"], 250, "the sections start near the top of the index")
        self.assertNotIn("AXES", page.inner_text("body").upper().replace("TAXES", ""))
        self.snap("index-sections", full_page=False)  # docs/screenshots/navigation.png

        self.english()
        page.reload()
        captions = page.locator(".registry-sections caption").all_inner_texts()[:4]
        self.assertEqual([caption.lower() for caption in captions], [title.lower() for title in SECTIONS_EN])
        self.snap("index-sections-en", full_page=False)

    def test_the_sidebar_leads_to_a_list_in_pinyin_order_that_fits_the_screen(self):
        page = self.page
        page.goto(self.url(ADMIN + "registry/talent/"))
        sidebar = page.locator("#nav-sidebar")
        self.assertTrue(sidebar.is_visible())
        self.assertEqual(sidebar.locator(".current-model th").inner_text(), "人才")
        self.assertEqual(sidebar.locator("caption").all_inner_texts()[:6], SECTIONS_ZH)
        rows = page.locator("#result_list tbody th.field-name").all_inner_texts()
        self.assertEqual(rows, ["李四", "王五", "张三"])
        self.assert_list_fits()
        self.snap("talent-list-sidebar", full_page=False)  # docs/screenshots/talent-list.png

        page.fill("#nav-filter", "特派")
        shown = [
            row.inner_text() for row in sidebar.locator("tr").all() if row.is_visible() and row.locator("th a").count()
        ]
        self.assertTrue(shown and all("特派" in text for text in shown), shown)
        page.fill("#nav-filter", "")

        sidebar.locator("th a", has_text="科技特派员").first.click()
        page.wait_for_selector("#changelist")
        crumbs = page.locator(".breadcrumbs").inner_text()
        self.assertIn("首页 › 科技特派员 › 科技特派员", crumbs)

        self.english()
        page.goto(self.url(ADMIN + "registry/talent/"))
        self.assertEqual(page.locator("#nav-sidebar .current-model th").inner_text(), "Talents")
        self.assert_list_fits()
        self.snap("talent-list-en", full_page=False)

    def test_the_contract_list_fits_the_screen(self):
        division = Division.objects.filter(in_hohhot=True).order_by("code").first()
        buyers = [Organization.objects.create(name=f"内蒙古{n}乳业科技有限公司", division=division) for n in "甲乙"]
        sellers = [Organization.objects.create(name=f"呼和浩特{n}生物技术研究院", division=division) for n in "丙丁"]
        contract = TechContract.objects.create(
            title="奶山羊高效繁育与乳品加工关键技术开发合同",
            contract_type=ContractType.objects.order_by("pk").first(),
            contract_amount=12_345_678,
            transaction_amount=9_876_543,
            signed_on="2024-03-01",
            registration_number="2024150102000012345",
            registered_on="2024-04-15",
            registration_status=RegistrationStatus.REGISTERED,
        )
        contract.buyers.set(buyers)
        contract.sellers.set(sellers)
        for language in ("zh-hans", "en"):
            with self.subTest(language=language):
                self.context.add_cookies([{"name": "django_language", "value": language, "url": self.live_server_url}])
                self.page.goto(self.url(ADMIN + "registry/techcontract/"))
                self.assertEqual(self.page.locator("#result_list tbody tr").count(), 1)
                self.snap(f"contract-list-{language}", full_page=False)
                self.assert_list_fits()

    def test_reports_fit_the_screen_in_both_languages(self):
        page = self.page
        for language in ("zh-hans", "en"):
            with self.subTest(language=language):
                self.context.add_cookies([{"name": "django_language", "value": language, "url": self.live_server_url}])
                page.goto(self.url(ADMIN + "reports/"))
                page.wait_for_selector("#by-year")
                width = page.evaluate("document.documentElement.scrollWidth")
                self.assertLessEqual(width, 1366, f"reports page is {width} px wide")
                self.snap(f"reports-{language}")

    def assert_list_fits(self):
        results = self.page.locator("#changelist .results")
        scroll, client = results.evaluate("element => [element.scrollWidth, element.clientWidth]")
        self.assertLessEqual(scroll, client, "the list's last column is cut off")


class ChineseCrawlTests(BrowserTestCase):
    """Every admin page a district clerk reaches from the sidebar, in Chinese: the list, its add
    form, a record's change form and history, the export page, the reports and the index."""

    def test_no_page_a_clerk_uses_shows_english_words_codes_or_none(self):
        self.page.set_viewport_size({"width": 1366, "height": 900})
        division = Division.objects.filter(in_hohhot=True).order_by("code").first()
        organization = Organization.objects.create(name="呼和浩特测试单位", division=division)
        talent = Talent.objects.create(name="张三", employer=organization, title="研究员")
        talent.title = ""
        talent.save()
        make_user("clerk", roles.DATA_ENTRY, divisions=[division])
        self.log_in("clerk", PASSWORD)
        page = self.page
        page.wait_for_selector(".registry-sections")
        lists = page.eval_on_selector_all(".registry-sections th[scope=row] a", "links => links.map(a => a.pathname)")
        pages = [ADMIN, *lists]
        pages += [path + "add/" for path in lists if path.startswith(ADMIN + "registry/") and "reports" not in path]
        pages += [
            ADMIN + f"registry/talent/{talent.pk}/change/",
            ADMIN + f"registry/talent/{talent.pk}/history/",
            ADMIN + f"registry/organization/{organization.pk}/change/",
            ADMIN + "registry/talent/import/",
            ADMIN + "section/talents/",
            ADMIN + "password_change/",
        ]
        findings = {}
        for path in dict.fromkeys(pages):
            response = page.goto(self.url(path))
            if response.status == 403:
                continue  # a page the clerk's role does not open (e.g. adding to a shared list)
            self.assertEqual(response.status, 200, path)
            # The page itself, the sidebar and the breadcrumbs; not the header with the user's name.
            text = page.inner_text("#main") + "".join(page.locator(".breadcrumbs").all_inner_texts())
            found = [w for w in ENGLISH_WORD.findall(text) if w not in ALLOWED_WORDS] + CODE.findall(text)
            if "None" in text:
                found.append("None")
            if found:
                findings[path] = sorted(set(found))
        self.snap("crawl-last-page")
        self.assertEqual(findings, {}, "English words, codes or None on Chinese pages")
