"""FastChangelistMixin: estimated counts only for big unfiltered PostgreSQL lists; search results
identical to Django's own search on both databases."""

import unittest
from unittest import mock

from django.contrib import admin
from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Q
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import translation

from registry import roles
from registry.admin import performance
from registry.admin.base import RegistryAdmin
from registry.models import Division, Organization, Talent, TalentTier, TechContract
from registry.models.lookups import ContractType

from .support.users import make_user

ON_POSTGRES = connection.vendor == "postgresql"
NAMES = ["张伟", "张伟明", "李张伟", "王小明", "欧阳明", "Zhang Wei", "zhangwei", "王芳", "张 伟"]


class TalentListAdmin(RegistryAdmin):
    list_display = ("name", "employer", "tier")
    list_filter = ("tier", "degree")
    search_fields = ("name", "employer__name")
    list_select_related = ("employer", "tier")


class ContractListAdmin(RegistryAdmin):
    search_fields = ("title", "=registration_number", "buyers__name")


class ChangelistTestCase(TestCase):
    dairy: Organization
    hospital: Organization
    tier: TalentTier
    user: User

    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_superuser("boss", None, None)
        cls.hospital = Organization.objects.create(name="内蒙古张伟医疗器械有限公司")
        cls.dairy = Organization.objects.create(name="呼和浩特乳业有限公司")
        cls.tier = TalentTier.objects.order_by("pk")[0]
        for number, name in enumerate(NAMES):
            Talent.objects.create(
                name=name,
                employer=cls.dairy if number % 2 else None,
                tier=cls.tier if number % 3 == 0 else None,
                degree="doctorate" if number % 2 else "master",
            )
        Talent.objects.create(name="赵六", employer=cls.hospital)

    def changelist(self, model_admin_class, model, **params):
        request = RequestFactory().get("/", params)
        request.user = self.user
        model_admin = model_admin_class(model, AdminSite())
        return model_admin.get_changelist_instance(request)

    def talents(self, **params):
        return self.changelist(TalentListAdmin, Talent, **params)


class ExactCountTests(ChangelistTestCase):
    tier: TalentTier

    def test_small_unfiltered_list_is_counted_exactly(self):
        self.assertEqual(self.talents().result_count, Talent.objects.count())

    def test_filtered_and_searched_lists_are_counted_exactly(self):
        self.assertEqual(self.talents(tier__id__exact=self.tier.pk).result_count, 3)
        self.assertEqual(self.talents(degree__exact="doctorate").result_count, 4)
        self.assertEqual(self.talents(q="张伟").result_count, 4)  # 张伟, 张伟明, 李张伟, + employer
        self.assertEqual(self.talents(q="张伟", degree__exact="master").result_count, 2)  # 张伟, 李张伟

    def test_pages_hold_the_right_rows(self):
        changelist = self.changelist(type("PagedAdmin", (TalentListAdmin,), {"list_per_page": 4}), Talent, p=2)
        expected = list(Talent.objects.all()[4:8])  # the model's order: pinyin, then id
        self.assertEqual(list(changelist.result_list), expected)


@unittest.skipUnless(ON_POSTGRES, "estimated counts are a PostgreSQL feature")
class EstimatedCountTests(ChangelistTestCase):
    tier: TalentTier

    def setUp(self):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_talent")
        # The test table is tiny: treat it as big.
        patcher = mock.patch.object(performance, "ESTIMATE_MIN_ROWS", 1)
        patcher.start()
        self.addCleanup(patcher.stop)

    def count_queries(self, **params):
        with CaptureQueriesContext(connection) as queries:
            changelist = self.talents(**params)
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "registry_talent" in q["sql"]]
        estimates = [q["sql"] for q in queries if "pg_class" in q["sql"]]
        return changelist, counts, estimates

    def test_unfiltered_list_uses_the_estimate_and_no_count(self):
        changelist, counts, estimates = self.count_queries()
        self.assertEqual(counts, [])
        self.assertEqual(len(estimates), 1)
        self.assertEqual(changelist.result_count, Talent.objects.count())  # exact after ANALYZE

    def test_filtered_or_searched_list_counts_exactly(self):
        for params in ({"tier__id__exact": self.tier.pk}, {"q": "王"}, {"degree__exact": "master"}):
            with self.subTest(params=params):
                changelist, counts, estimates = self.count_queries(**params)
                self.assertEqual(len(counts), 1)
                self.assertEqual(estimates, [])
                self.assertEqual(changelist.result_count, changelist.queryset.count())

    def test_the_estimate_follows_the_planner_not_a_count(self):
        # Rows added after ANALYZE onto the same pages are not seen by the estimate.
        Talent.objects.create(name="钱七")
        self.assertEqual(self.talents().result_count, Talent.objects.count() - 1)

    def test_never_analysed_table_is_counted(self):
        # What PostgreSQL stores for a table never analysed (autovacuum may have analysed this one
        # during the run); the test's transaction undoes it.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE pg_class SET reltuples = -1 WHERE oid = 'registry_techcontract'::regclass")
        self.assertIsNone(performance.estimated_count(TechContract.objects.all()))


class ActionCheckboxTests(ChangelistTestCase):
    def test_same_markup_as_django(self):
        talent = Talent.objects.create(name='张"<三>')
        fast = TalentListAdmin(Talent, AdminSite()).action_checkbox(talent)
        self.assertEqual(fast, ModelAdmin(Talent, AdminSite()).action_checkbox(talent))
        self.assertIn("&lt;三&gt;", fast)
        with translation.override("en"):
            self.assertIn("Select this object", TalentListAdmin(Talent, AdminSite()).action_checkbox(talent))


class SearchTests(ChangelistTestCase):
    """The fast search finds exactly what Django's `icontains` OR over the search fields finds."""

    dairy: Organization

    def found(self, term):
        return set(self.talents(q=term).queryset.values_list("pk", flat=True))

    def expected(self, *terms):
        queryset = Talent.objects.all()
        for term in terms:
            queryset = queryset.filter(Q(name__icontains=term) | Q(employer__name__icontains=term))
        return set(queryset.values_list("pk", flat=True))

    def test_one_two_and_three_character_terms(self):
        for term in ("张", "张伟", "张伟明", "明", "小明", "欧阳明", "伟 ", "zhang", "ZHANG WEI", "乳业", "医疗器械"):
            with self.subTest(term=term):
                self.assertEqual(self.found(term), self.expected(*term.split()))
        self.assertEqual(len(self.found("张伟")), 4)
        self.assertEqual(len(self.found("zhang")), 2)

    def test_several_terms_must_all_match(self):
        self.assertEqual(self.found("张 伟"), self.expected("张", "伟"))
        self.assertEqual(self.found('"张 伟"'), self.expected("张 伟"))
        self.assertEqual(self.found('"张 伟"'), {Talent.objects.get(name="张 伟").pk})

    def test_employer_name_is_searched(self):
        self.assertEqual(self.found("医疗"), {Talent.objects.get(name="赵六").pk} | self.expected("医疗"))
        self.assertIn(Talent.objects.get(name="赵六").pk, self.found("张伟"))

    def test_no_duplicates_and_missing_terms_find_nothing(self):
        changelist = self.talents(q="张伟")
        pks = list(changelist.queryset.values_list("pk", flat=True))
        self.assertEqual(len(pks), len(set(pks)))
        self.assertEqual(self.found("不存在的人"), set())
        self.assertEqual(self.found("张x"), set())

    def test_prefix_lookups_and_many_to_many_paths(self):
        kind = ContractType.objects.order_by("pk").first()
        milk = TechContract.objects.create(
            title="乳酸菌发酵技术开发合同", contract_type=kind, registration_number="2024150100001"
        )
        milk.buyers.add(self.dairy)
        other = TechContract.objects.create(
            title="稀土永磁合同", contract_type=kind, registration_number="2024150100002"
        )

        def contracts(term):
            changelist = self.changelist(ContractListAdmin, TechContract, q=term)
            return set(changelist.queryset.values_list("pk", flat=True))

        self.assertEqual(contracts("乳业"), {milk.pk})  # through the buyers
        self.assertEqual(contracts("2024150100002"), {other.pk})  # "=" means exact
        self.assertEqual(contracts("20241501"), set())
        self.assertEqual(contracts("合同"), {milk.pk, other.pk})
        self.assertEqual(contracts("稀土"), {other.pk})


class ScopedCountTests(TestCase):
    """A district clerk's unfiltered list of a big table is estimated on PostgreSQL; with a filter
    or a search, or on SQLite, it is counted exactly."""

    clerk: User
    home_count: int

    @classmethod
    def setUpTestData(cls):
        home, away = Division.objects.filter(in_hohhot=True, kind="district").order_by("code")[:2]
        employers = [
            Organization.objects.create(name=f"单位{n}", division=place) for n, place in enumerate((home, away))
        ]
        for number in range(15):
            Talent.objects.create(name=f"人才{number}", employer=employers[number % 3 == 0], degree="master")
        cls.clerk = make_user(roles.DATA_ENTRY, scope=[home])
        cls.home_count = Talent.objects.filter(employer=employers[0]).count()

    def setUp(self):
        if ON_POSTGRES:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE registry_talent")
        patcher = mock.patch.object(performance, "ESTIMATE_MIN_ROWS", 1)  # the test table is tiny
        patcher.start()
        self.addCleanup(patcher.stop)

    def changelist(self, **params):
        path = reverse("admin:registry_talent_changelist")
        request = RequestFactory().get(path, params)
        request.resolver_match = resolve(path)
        request.user = self.clerk
        with CaptureQueriesContext(connection) as queries:
            changelist = admin.site._registry[Talent].get_changelist_instance(request)
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "registry_talent" in q["sql"]]
        plans = [q["sql"] for q in queries if q["sql"].startswith("EXPLAIN")]
        return changelist, counts, plans

    def test_unfiltered_scoped_list(self):
        changelist, counts, plans = self.changelist()
        self.assertEqual(len(changelist.result_list), self.home_count)
        if ON_POSTGRES:
            self.assertEqual((counts, len(plans)), ([], 1))
            self.assertGreater(changelist.result_count, 0)
        else:
            self.assertEqual((len(counts), plans), (1, []))
            self.assertEqual(changelist.result_count, self.home_count)
        self.assertEqual(changelist.paginator.estimated, ON_POSTGRES)

    def test_page_says_an_estimate_is_one(self):
        self.client.force_login(self.clerk)
        page = self.client.get(reverse("admin:registry_talent_changelist")).content.decode()
        total = page.split('<p class="paginator">', 1)[1].split("</p>", 1)[0]
        self.assertEqual("约" in total, ON_POSTGRES, total)
        filtered = self.client.get(reverse("admin:registry_talent_changelist"), {"degree__exact": "master"})
        self.assertNotIn("约", filtered.content.decode().split('<p class="paginator">', 1)[1].split("</p>", 1)[0])

    def test_filtered_or_searched_scoped_list_counts_exactly(self):
        for params in ({"degree__exact": "master"}, {"q": "人才1"}, {"review_status__exact": "approved"}):
            with self.subTest(params=params):
                changelist, counts, plans = self.changelist(**params)
                self.assertEqual((len(counts), plans), (1, []))
                self.assertEqual(changelist.result_count, changelist.queryset.count())

    def test_planner_estimate_reads_the_plan(self):
        estimate = performance.planned_rows(Talent.objects.filter(name__startswith="人才"))
        if ON_POSTGRES:
            self.assertIsInstance(estimate, int)
        else:
            self.assertIsNone(estimate)

    def test_a_scope_without_districts_is_counted_as_nothing(self):
        self.clerk.registry_scope.divisions.clear()
        changelist, counts, plans = self.changelist()
        self.assertEqual((changelist.result_count, list(changelist.result_list), plans), (0, [], []))
        self.assertIsNone(performance.planned_rows(Talent.objects.none()))
