"""Issue 20 on screen: citations by source title and excerpt, policy kinds, and the platform of a project,
for a superuser, a district-scoped clerk and a reviewer."""

from django.conf import settings
from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from registry import roles
from registry.models import Citation, Division, Organization, Platform, Policy, Project, Source

from .admin_pages import admin_url, form_data, log_in_superuser
from .support import make_user

SLUG = "wzx-slug-never-shown"
TITLE = "首府：科技创新为产业发展赋能添彩"


class CitationLabelTests(TestCase):
    clerk: User
    division: Division
    first: Citation
    project: Project
    reviewer: User
    second: Citation
    source: Source

    @classmethod
    def setUpTestData(cls):
        cls.source = Source.objects.create(key=SLUG, title=TITLE)
        cls.first = Citation.objects.create(source=cls.source, excerpt="攻克了非洲猪瘟疫苗")
        cls.second = Citation.objects.create(source=cls.source, excerpt="申请非洲猪瘟亚单位疫苗应急评价")
        cls.division = Division.objects.filter(in_hohhot=True).order_by("code")[0]
        owner = Organization.objects.create(name="本区企业", division=cls.division)
        cls.project = Project.objects.create(title="非洲猪瘟疫苗研发", kind=Project.Kind.RESEARCH, problem_owner=owner)
        cls.project.citations.set([cls.first, cls.second])
        cls.clerk = make_user(roles.DATA_ENTRY, username="clerk", scope=[cls.division])
        cls.reviewer = make_user(roles.REVIEWER, username="reviewer")

    def test_label_is_the_excerpt_and_the_source_title_in_each_language(self):
        with translation.override("zh-hans"):
            self.assertEqual(str(self.first), f"“攻克了非洲猪瘟疫苗”——《{TITLE}》")
        with translation.override("en"):
            self.assertEqual(str(self.first), f"“攻克了非洲猪瘟疫苗” — {TITLE}")
        self.assertNotEqual(str(self.first)[:10], str(self.second)[:10], "two citations of one source differ")

    def test_change_form_shows_titles_not_slugs(self):
        log_in_superuser(self.client)
        response = self.client.get(admin_url(Project, "change", self.project.pk))
        self.assertContains(response, f"“申请非洲猪瘟亚单位疫苗应急评价”——《{TITLE}》")
        self.assertNotContains(response, SLUG)

    def test_scoped_clerk_sees_titles_in_the_form_and_the_citation_search(self):
        self.client.force_login(self.clerk)
        response = self.client.get(admin_url(Project, "change", self.project.pk))
        self.assertContains(response, f"《{TITLE}》")
        self.assertNotContains(response, SLUG)
        answer = self.client.get(
            reverse("admin:autocomplete"),
            {"app_label": "registry", "model_name": "project", "field_name": "citations", "term": "非洲猪瘟"},
        ).json()
        self.assertEqual(
            {item["text"] for item in answer["results"]},
            {str(self.first), str(self.second)},
        )
        self.assertNotIn(SLUG, str(answer))

    def test_reviewer_reads_titles_on_the_view_only_page(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(admin_url(Project, "change", self.project.pk))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"“攻克了非洲猪瘟疫苗”——《{TITLE}》")
        self.assertNotContains(response, SLUG)


class PolicyKindTests(TestCase):
    city_clerk: User
    district_clerk: User
    document: Policy
    mode: Policy
    reviewer: User

    @classmethod
    def setUpTestData(cls):
        cls.mode = Policy.objects.create(title="柔性引才模式", kind=Policy.Kind.MODE)
        cls.document = Policy.objects.create(title="实施意见")
        division = Division.objects.filter(in_hohhot=True).order_by("code")[0]
        cls.city_clerk = make_user(roles.DATA_ENTRY, username="city_clerk")
        cls.district_clerk = make_user(roles.DATA_ENTRY, username="district_clerk", scope=[division])
        cls.reviewer = make_user(roles.REVIEWER, username="reviewer")

    def test_new_policies_default_to_a_document(self):
        self.assertEqual(self.document.kind, Policy.Kind.DOCUMENT)

    def test_reviewer_filters_policies_by_kind_shown_in_chinese(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(admin_url(Policy, "changelist"), {"kind__exact": "mode"})
        self.assertEqual(list(response.context["cl"].result_list), [self.mode])
        self.assertContains(response, '<td class="field-kind">模式</td>', html=True)

    def test_city_clerk_sets_the_kind(self):
        self.client.force_login(self.city_clerk)
        page = self.client.get(admin_url(Policy, "change", self.document.pk))
        response = self.client.post(admin_url(Policy, "change", self.document.pk), form_data(page, kind="mechanism"))
        self.assertEqual(response.status_code, 302)
        self.document.refresh_from_db()
        self.assertEqual(self.document.kind, Policy.Kind.MECHANISM)

    def test_scoped_clerk_and_reviewer_cannot_change_a_kind(self):
        self.client.force_login(self.city_clerk)
        data = form_data(self.client.get(admin_url(Policy, "change", self.mode.pk)), kind="strategy")
        for user in (self.district_clerk, self.reviewer):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(admin_url(Policy, "change", self.mode.pk), data)
                self.assertEqual(response.status_code, 403)
                self.mode.refresh_from_db()
                self.assertEqual(self.mode.kind, Policy.Kind.MODE)


class ProjectPlatformTests(TestCase):
    built: Project
    clerk_a: User
    division_a: Division
    division_b: Division
    foreign: Project
    org_a: Organization
    org_b: Organization
    platform_a: Platform
    platform_b: Platform

    @classmethod
    def setUpTestData(cls):
        cls.division_a, cls.division_b = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        cls.org_a = Organization.objects.create(name="甲区企业", division=cls.division_a)
        cls.org_b = Organization.objects.create(name="乙区企业", division=cls.division_b)
        cls.platform_a = Platform.objects.create(
            name="甲区创新中心", kind=Platform.Kind.INNOVATION_CENTRE, host=cls.org_a
        )
        cls.platform_b = Platform.objects.create(
            name="乙区创新中心", kind=Platform.Kind.INNOVATION_CENTRE, host=cls.org_b
        )
        cls.built = Project.objects.create(
            title="共建甲区创新中心", kind=Project.Kind.CO_BUILDING, problem_owner=cls.org_a, platform=cls.platform_a
        )
        cls.foreign = Project.objects.create(
            title="乙区企业在甲区中心的研发",
            kind=Project.Kind.RESEARCH,
            problem_owner=cls.org_b,
            platform=cls.platform_a,
        )
        cls.clerk_a = make_user(roles.DATA_ENTRY, username="clerk_a", scope=[cls.division_a])

    def test_platform_page_links_to_its_projects(self):
        log_in_superuser(self.client)
        response = self.client.get(admin_url(Platform, "change", self.platform_a.pk))
        link = f"{admin_url(Project, 'changelist')}?platform__id__exact={self.platform_a.pk}"
        self.assertContains(response, f'href="{link}"')
        listed = self.client.get(link)
        self.assertEqual(set(listed.context["cl"].result_list), {self.built, self.foreign})
        self.assertEqual(self.platform_a.projects.get(kind=Project.Kind.CO_BUILDING), self.built)

    def test_scoped_clerk_sees_only_the_projects_of_their_districts_at_a_platform(self):
        self.client.force_login(self.clerk_a)
        listed = self.client.get(admin_url(Project, "changelist"), {"platform__id__exact": self.platform_a.pk})
        self.assertEqual(list(listed.context["cl"].result_list), [self.built])
        self.assertEqual(self.client.get(admin_url(Project, "change", self.foreign.pk)).status_code, 302)

    def test_scoped_clerk_picks_platforms_of_their_districts_only(self):
        self.client.force_login(self.clerk_a)
        answer = self.client.get(
            reverse("admin:autocomplete"),
            {"app_label": "registry", "model_name": "project", "field_name": "platform", "term": "创新中心"},
        ).json()
        self.assertEqual([item["text"] for item in answer["results"]], [self.platform_a.name])

    def test_clerk_records_the_platform_a_project_built(self):
        self.client.force_login(self.clerk_a)
        page = self.client.get(admin_url(Project, "add"))
        response = self.client.post(
            admin_url(Project, "add"),
            form_data(
                page,
                title="甲区企业研发",
                kind="research",
                status="ongoing",
                problem_owner=str(self.org_a.pk),
                platform=str(self.platform_a.pk),
            ),
        )
        self.assertEqual(
            response.status_code, 302, getattr(response, "context", None) and response.context.get("errors")
        )
        self.assertEqual(Project.objects.get(title="甲区企业研发").platform, self.platform_a)

    def test_kinds_are_translated(self):
        with translation.override(settings.LANGUAGE_CODE):
            self.assertEqual(str(Project.Kind.CO_BUILDING.label), "共建机构与中心")
            self.assertEqual(str(Policy.Kind.SERVICE_PLATFORM.label), "服务窗口与平台")
