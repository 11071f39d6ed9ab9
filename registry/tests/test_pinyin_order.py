"""Names sort in pinyin order (李四, 王五, 张三) on both databases, however the record was written."""

import unittest
from io import StringIO

from django.contrib.auth.models import User
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext

from registry import pinyin, roles
from registry.importing.engine import apply_plan, build_plan
from registry.models import (
    Division,
    Organization,
    Project,
    Qualification,
    QualificationKind,
    Talent,
    TalentTier,
    TechnologyBroker,
)
from registry.tests.impexp_support import staff
from registry.tests.support import make_user

PINYIN = ["李四", "王五", "张三"]  # code points: 张 < 李 < 王


def first_reading(name) -> str:
    """Syllable and tone of a name's first character: the order ICU and the sort key agree on
    (homophones such as 江 and 姜 are ordered differently by each, then the rest of the name)."""
    return pinyin.character_key(name[0])[0].rstrip(name[0])


def names(queryset, field="name"):
    return list(queryset.values_list(field, flat=True))


class SortKeyTests(SimpleTestCase):
    def test_keys_sort_as_icu_zh_does(self):
        # The order PostgreSQL's zh-x-icu gives for the same strings (checked on the test cluster).
        expected = ["-", "10", "9", "卢", "吕", "乱", "略", "论", "罗", "怒", "女", "暖", "虐", "诺"]
        expected += ["张", "张1", "张三", "张a", "张A", "a", "A", "ab", "Ab", "B"]
        self.assertEqual(sorted(reversed(expected), key=pinyin.sort_key), expected)

    def test_character_by_character_with_tones(self):
        self.assertEqual(
            sorted(["林", "李四", "力", "黎", "李"], key=pinyin.sort_key), ["黎", "李", "李四", "力", "林"]
        )
        self.assertEqual(sorted(["张三", "王五", "李四"], key=pinyin.sort_key), PINYIN)

    def test_full_width_and_empty_values(self):
        self.assertEqual(pinyin.sort_key("ＡＢ"), pinyin.sort_key("AB"))
        self.assertEqual(pinyin.sort_key(""), "")
        self.assertEqual(pinyin.sort_key(None), "")

    def test_readings_need_no_phrase_dictionary(self):
        # pinyin.hanzi_syllable leaves pypinyin's phrases unloaded (PYPINYIN_NO_PHRASES): a phrase
        # entry could only change a single character's reading if it were one character long.
        from pypinyin.phrases_dict import phrases_dict

        self.assertGreater(len(phrases_dict), 10_000)
        self.assertEqual([phrase for phrase in phrases_dict if len(phrase) == 1], [])
        self.assertEqual([pinyin.hanzi_syllable(char) for char in "张绿吕的"], ["zhang1", "lv4", "lv3", "de5"])


class DatabaseOrderTests(TestCase):
    def test_default_order_of_a_list_is_pinyin(self):
        for name in ("张三", "王五", "李四"):
            Talent.objects.create(name=name)
        self.assertEqual(names(Talent.objects.all()), PINYIN)
        self.assertEqual(names(Talent.objects.reverse()), PINYIN[::-1])

    def test_a_related_models_order_is_borrowed_in_pinyin(self):
        for name in ("张三", "王五", "李四"):
            TechnologyBroker.objects.create(talent=Talent.objects.create(name=name))
        self.assertEqual(names(TechnologyBroker.objects.all(), "talent__name"), PINYIN)
        kind = QualificationKind.objects.first()
        for name in ("张家公司", "王家公司", "李家公司"):
            Qualification.objects.create(organization=Organization.objects.create(name=name), kind=kind)
        self.assertEqual(names(Qualification.objects.all(), "organization__name"), ["李家公司", "王家公司", "张家公司"])

    def test_lookup_lists_sort_by_their_order_then_pinyin(self):
        TalentTier.objects.all().delete()
        for name in ("张类", "王类", "李类"):
            TalentTier.objects.create(name=name)
        self.assertEqual(names(TalentTier.objects.all()), ["李类", "王类", "张类"])

    def test_the_key_follows_renames_and_every_save_path(self):
        talent = Talent.objects.create(name="张三")
        self.assertEqual(talent.name_pinyin, pinyin.sort_key("张三"))
        talent.name = "李四"
        talent.save()
        talent.refresh_from_db()
        self.assertEqual(talent.name_pinyin, pinyin.sort_key("李四"))
        Talent.objects.bulk_create([Talent(name="王五")])
        self.assertEqual(Talent.objects.get(name="王五").name_pinyin, pinyin.sort_key("王五"))

    def test_saving_only_the_name_writes_its_key_too(self):
        organization = Organization.objects.create(name="张家公司")
        organization.name = "李家公司"
        organization.save(update_fields=["name"])
        organization.refresh_from_db()
        self.assertEqual(organization.name_pinyin, pinyin.sort_key("李家公司"))
        self.assertEqual(organization.history.latest().name_pinyin, pinyin.sort_key("李家公司"))
        project = Project.objects.create(title="张家项目", kind=Project.Kind.LANDING)
        project.title = "阿家项目"
        project.save(update_fields=["title", "title_pinyin"])  # named already: written once, by save()
        project.refresh_from_db()
        self.assertEqual(project.title_pinyin, pinyin.sort_key("阿家项目"))
        project.notes = "备注"
        with CaptureQueriesContext(connection) as queries:
            project.save(update_fields=["notes"])
        updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "registry_project"')]
        self.assertEqual(len(updates), 1, updates)  # the notes; no second write of the key
        self.assertNotIn("title_pinyin", updates[0])

    def test_fixtures_loaded_raw_get_their_keys(self):
        data = '[{"model": "registry.organization", "fields": {"name": "赵钱孙李研究院", "kind": "institute",'
        data += ' "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}}]'
        for obj in serializers.deserialize("json", data):
            obj.save()  # loaddata saves raw: no field pre_save()
        self.assertEqual(Organization.objects.get().name_pinyin, pinyin.sort_key("赵钱孙李研究院"))

    def test_history_rows_and_revert_keep_the_key(self):
        organization = Organization.objects.create(name="张家公司")
        organization.name = "李家公司"
        organization.save()
        first = organization.history.earliest()
        self.assertEqual(first.name_pinyin, pinyin.sort_key("张家公司"))
        first.instance.save()
        organization.refresh_from_db()
        self.assertEqual((organization.name, organization.name_pinyin), ("张家公司", pinyin.sort_key("张家公司")))


class BulkPathTests(TestCase):
    """Imports and seed_scale write with raw INSERT/COPY/UPDATE, bypassing save()."""

    def test_an_import_computes_keys_for_new_and_renamed_records(self):
        user = staff("importer", superuser=True)
        plan = build_plan(Organization, ["名称"], [["张家公司"], ["王家公司"]], user)
        apply_plan(plan, user, "a.xlsx")
        self.assertEqual(names(Organization.objects.all()), ["王家公司", "张家公司"])
        for organization in Organization.objects.all():
            self.assertEqual(organization.name_pinyin, pinyin.sort_key(organization.name))
            self.assertEqual(organization.history.get().name_pinyin, organization.name_pinyin)

    def test_an_import_that_renames_updates_the_key(self):
        user = staff("importer", superuser=True)
        organization = Organization.objects.create(name="张家公司", credit_code="91350100M000100Y43")
        plan = build_plan(Organization, ["名称", "统一社会信用代码"], [["李家公司", "91350100M000100Y43"]], user)
        self.assertEqual(plan.counts["updated"], 1, plan.errors)
        apply_plan(plan, user, "b.xlsx")
        organization.refresh_from_db()
        self.assertEqual((organization.name, organization.name_pinyin), ("李家公司", pinyin.sort_key("李家公司")))

    def test_seeded_records_have_keys(self):
        call_command("seed_scale", talents=60, contracts=5, organizations=12, seed=3, stdout=StringIO())
        for model in (Talent, Organization):
            stale = [o.name for o in model.objects.all() if o.name_pinyin != pinyin.sort_key(o.name)]
            self.assertEqual(stale, [], model.__name__)
        listed = names(Talent.objects.all())
        self.assertEqual(listed, sorted(listed, key=first_reading))


class AdminOrderTests(TestCase):
    """The talent list as staff see it: default order and header clicks, for a clerk and a reviewer."""

    division: Division
    clerk: User
    reviewer: User

    @classmethod
    def setUpTestData(cls):
        cls.division = Division.objects.filter(in_hohhot=True).order_by("code")[0]
        employer = Organization.objects.create(name="测试单位", division=cls.division)
        for name in ("张三", "王五", "李四"):
            Talent.objects.create(name=name, employer=employer)
        Talent.objects.create(name="阿其他区", employer=Organization.objects.create(name="外区单位"))
        cls.clerk = make_user(roles.DATA_ENTRY, username="clerk", scope=[cls.division])
        cls.reviewer = make_user(roles.REVIEWER, username="reviewer")

    def changelist(self, user, query=""):
        self.client.force_login(user)
        response = self.client.get("/admin/registry/talent/" + query)
        self.assertEqual(response.status_code, 200)
        return response.context["cl"]

    def listed(self, user, query=""):
        return [str(row) for row in self.changelist(user, query).result_list]

    def name_column(self, user) -> int:
        # The header index staff click (after the action checkbox, for users who have actions).
        return list(self.changelist(user).list_display).index("name")

    def test_a_scoped_clerk_sees_her_talents_in_pinyin_order(self):
        self.assertEqual(self.listed(self.clerk), PINYIN)

    def test_clicking_the_name_header_sorts_in_pinyin_both_ways(self):
        column = self.name_column(self.reviewer)
        self.assertEqual(self.listed(self.reviewer, f"?o={column}"), ["阿其他区", *PINYIN])
        self.assertEqual(self.listed(self.reviewer, f"?o=-{column}"), [*PINYIN[::-1], "阿其他区"])
        column = self.name_column(self.clerk)
        self.assertEqual(self.listed(self.clerk, f"?o=-{column}"), PINYIN[::-1])

    def test_the_name_header_shows_the_default_sort(self):
        cl = self.changelist(self.clerk)
        self.assertEqual(cl.get_ordering_field_columns(), {self.name_column(self.clerk): "asc"})


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL collation")
class PostgresCollationTests(TestCase):
    def test_name_columns_use_the_icu_collation(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE collation_name = %s",
                [pinyin.COLLATION],
            )
            collated = set(cursor.fetchall())
        for table, column in [
            ("registry_talent", "name"),
            ("registry_organization", "name"),
            ("registry_platform", "name"),
            ("registry_project", "title"),
            ("registry_talenttier", "name"),
        ]:
            self.assertIn((table, column), collated)

    def test_the_order_comes_from_the_column_not_the_key(self):
        for name in ("张三", "王五", "李四"):
            Talent.objects.create(name=name)
        Talent.objects.update(name_pinyin="")  # a write that bypassed every key path
        self.assertEqual(names(Talent.objects.all()), PINYIN)
        self.assertIn('ORDER BY "registry_talent"."name" ASC', str(Talent.objects.all().query))

    def test_the_default_order_walks_the_name_index(self):
        from registry.tests.test_indexes import plan

        # With sorting off the planner must find an index that yields the order itself; on the
        # near-empty test table it would otherwise be free to filter by any tier index and sort.
        self.assertIn("registry_talent_name_id", plan(Talent.objects.all()[:50], "enable_sort"))
        tier_page = Talent.objects.filter(tier_id=1)[:50]
        self.assertIn("registry_talent_tier_name_id", plan(tier_page, "enable_sort"))
