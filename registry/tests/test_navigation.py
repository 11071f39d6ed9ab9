"""Navigation by business line: the same sections on the index, in the cached sidebar and in the
breadcrumbs, following each user's permissions."""

from unittest import mock

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import TestCase, override_settings

from registry import navigation, review, roles
from registry.models import Division, Organization, ReviewStatus, Talent
from registry.tests.access_support import make_user

SECTION_TITLES = ["人才", "科技特派员", "技术转移", "平台与项目", "政策与统计", "基础数据", "系统管理"]


def section_titles(sections):
    return [str(section["name"]) for section in sections]


def model_names(section):
    return [str(model["name"]) for model in section["models"]]


class IndexSectionTests(TestCase):
    chief: User
    division: Division
    clerk: User
    reviewer: User

    @classmethod
    def setUpTestData(cls):
        cls.chief = get_user_model().objects.create_superuser("chief", password="x")
        cls.division = Division.objects.filter(in_hohhot=True).earliest("code")
        cls.clerk = make_user("clerk", roles.DATA_ENTRY, divisions=[cls.division])
        cls.reviewer = make_user("reviewer", roles.REVIEWER)

    def setUp(self):
        cache.clear()

    def index(self, user):
        self.client.force_login(user)
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 200)
        return response

    def test_superuser_sees_every_business_line_with_main_records_first(self):
        sections = self.index(self.chief).context["app_list"]
        self.assertEqual(section_titles(sections), SECTION_TITLES)
        self.assertEqual(model_names(sections[0]), ["人才", "人才类别"])
        self.assertEqual(model_names(sections[1])[:3], ["科技特派员", "工作站", "科技特派团"])
        self.assertIn("统计报表", model_names(sections[4]))
        self.assertIn("到期提醒", model_names(sections[4]))

    def test_every_registered_model_is_listed_once(self):
        sections = self.index(self.chief).context["app_list"]
        listed = [model["admin_url"] for section in sections for model in section["models"]]
        self.assertEqual(len(listed), len(set(listed)))
        self.assertEqual(len(listed), len(admin.site._registry) + 2)  # + the reports and reminders pages

    def test_the_sections_come_before_the_dashboard_and_axes_is_no_heading(self):
        html = self.index(self.chief).content.decode()
        self.assertLess(html.index('class="registry-sections"'), html.index('id="registry-dashboard"'))
        self.assertNotIn(">Axes<", html)
        self.assertNotIn(">AXES<", html.upper().replace("AXES.", ""))

    def test_a_clerk_sees_her_lines_without_system_administration(self):
        sections = self.index(self.clerk).context["app_list"]
        titles = section_titles(sections)
        self.assertNotIn("系统管理", titles)
        self.assertEqual(titles[0], "人才")
        # Shared city-wide lists are read-only for a scoped clerk: no add link for them.
        reference = next(section for section in sections if section["name"] == "基础数据")
        divisions = next(model for model in reference["models"] if model["object_name"] == "Division")
        self.assertIsNone(divisions["add_url"])

    def test_a_reviewer_has_no_add_links(self):
        sections = self.index(self.reviewer).context["app_list"]
        self.assertTrue(sections)
        self.assertTrue(all(model["add_url"] is None for section in sections for model in section["models"]))

    def test_a_section_page_lists_its_records_and_refuses_unknown_sections(self):
        self.client.force_login(self.clerk)
        response = self.client.get("/admin/section/commissioners/")
        self.assertContains(response, "科技特派员")
        self.assertContains(response, "/admin/registry/servicerecord/")
        self.assertEqual(self.client.get("/admin/section/system/").status_code, 404)
        self.assertEqual(self.client.get("/admin/section/nothing/").status_code, 404)


class SidebarTests(TestCase):
    chief: User
    clerk: User
    talent: Talent

    @classmethod
    def setUpTestData(cls):
        cls.chief = get_user_model().objects.create_superuser("chief", password="x")
        cls.clerk = make_user("clerk", roles.DATA_ENTRY)
        cls.talent = Talent.objects.create(name="张三")

    def setUp(self):
        cache.clear()

    def test_every_admin_page_has_the_sidebar_with_its_model_marked(self):
        self.client.force_login(self.clerk)
        for path in ("/admin/registry/talent/", f"/admin/registry/talent/{self.talent.pk}/change/"):
            with self.subTest(path=path):
                html = self.client.get(path).content.decode()
                self.assertIn('id="nav-sidebar"', html)
                self.assertIn('class="nav-registry-talent current-model" aria-current="page"', html)
                self.assertEqual(html.count("current-model"), 1)
                for title in SECTION_TITLES[:6]:
                    self.assertIn(f'class="section">{title}</a>', html)

    def test_the_sidebar_is_rendered_once_per_user_and_language(self):
        self.client.force_login(self.clerk)
        self.client.get("/admin/registry/talent/")
        with mock.patch.object(navigation, "render_to_string", side_effect=AssertionError("rendered again")):
            html = self.client.get("/admin/registry/organization/").content.decode()
        self.assertIn('class="nav-registry-organization current-model"', html)
        self.client.cookies["django_language"] = "en"
        english = self.client.get("/admin/registry/talent/").content.decode()
        self.assertIn('class="section">Talents</a>', english)

    def test_a_change_of_permissions_gives_another_sidebar(self):
        clerk = get_user_model().objects.get(pk=self.clerk.pk)
        before = navigation.cache_key(clerk)
        clerk.groups.set([])
        self.assertNotEqual(before, navigation.cache_key(get_user_model().objects.get(pk=clerk.pk)))
        self.assertNotEqual(before, navigation.cache_key(get_user_model().objects.get(pk=self.chief.pk)))

    def test_the_sidebar_shows_the_review_queue_counts_of_this_moment(self):
        reviewer = make_user("sidebar_reviewer", roles.REVIEWER)
        waiting = Talent.objects.create(name="李四")
        Talent.objects.filter(pk=waiting.pk).update(review_status=ReviewStatus.SUBMITTED)
        self.client.force_login(reviewer)
        html = self.client.get("/admin/registry/organization/").content.decode()
        sidebar = html[html.index('id="nav-sidebar"') :]
        self.assertIn("待审核 (1)", sidebar)
        self.assertIn('?review_status__exact=submitted">人才 <span class="registry-nav-count">1</span>', sidebar)
        # The sidebar is cached; the counts are not: an approval elsewhere shows on the next page.
        Talent.objects.filter(pk=waiting.pk).update(review_status=ReviewStatus.APPROVED)
        review.bump_generation()
        html = self.client.get("/admin/registry/organization/").content.decode()
        self.assertNotIn("registry-nav-count", html)
        self.assertNotIn("<!--registry-review-->", html)

    def test_pages_without_the_sidebar_build_no_app_list(self):
        self.client.force_login(self.clerk)
        self.client.get("/admin/registry/talent/")  # fills the sidebar cache
        with mock.patch.object(admin.AdminSite, "get_app_list", side_effect=AssertionError("app list built")):
            self.assertEqual(self.client.get("/admin/registry/talent/").status_code, 200)


class BreadcrumbTests(TestCase):
    chief: User
    organization: Organization

    @classmethod
    def setUpTestData(cls):
        cls.chief = get_user_model().objects.create_superuser("chief", password="x")
        cls.organization = Organization.objects.create(name="测试单位")

    def crumbs(self, path):
        self.client.force_login(self.chief)
        html = self.client.get(path).content.decode()
        start = html.index('<div class="breadcrumbs">')
        return html[start : html.index("</div>", start)]

    def test_record_pages_lead_through_their_business_line(self):
        pk = self.organization.pk
        for path, last in [
            ("/admin/registry/organization/", "单位"),
            (f"/admin/registry/organization/{pk}/change/", "测试单位"),
            ("/admin/registry/organization/add/", "增加单位"),
            (f"/admin/registry/organization/{pk}/history/", "历史"),
            (f"/admin/registry/organization/{pk}/delete/", "删除"),
        ]:
            with self.subTest(path=path):
                crumbs = self.crumbs(path)
                self.assertIn('<a href="/admin/section/reference/">基础数据</a>', crumbs)
                self.assertIn(last, crumbs)
                self.assertNotIn("登记数据", crumbs)

    @override_settings(LANGUAGE_CODE="en")
    def test_english_crumbs(self):
        self.client.cookies["django_language"] = "en"
        self.assertIn(">Reference data</a>", self.crumbs("/admin/registry/organization/"))
