"""The 疑似重复 list: what is suspected, for whom, and in bounded queries."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from registry import duplicates, roles
from registry.models import Division, Organization, Talent
from registry.tests.access_support import make_user, valid_id_number

from .admin_pages import admin_url


def names(model, groups) -> list[tuple[str, list[str]]]:
    by_pk = model.objects.in_bulk([pk for group in groups for pk in group.pks])
    return [(str(group.reason), sorted(str(by_pk[pk]) for pk in group.pks)) for group in groups]


class OrganizationDuplicatesTests(TestCase):
    def test_names_one_character_replaced_added_or_left_out_are_suspected(self):
        for name in (
            "金字保灵生物药品有限公司",
            "金宇保灵生物药品有限公司",
            "金宇保灵生物药品公司",
            "伊利集团",
            "蒙牛集团",
        ):
            Organization.objects.create(name=name)
        Organization.objects.create(name="呼和浩特市蒙草生态")
        Organization.objects.create(name="呼和浩特蒙草生态")
        found = names(Organization, duplicates.organization_duplicates(Organization.objects.all()))
        self.assertEqual(
            found,
            [
                ("名称仅差一个字", sorted(["金宇保灵生物药品有限公司", "金字保灵生物药品有限公司"])),
                ("名称仅差一个字", ["呼和浩特市蒙草生态", "呼和浩特蒙草生态"]),
            ],
            "one character replaced, or one left out; 金宇保灵生物药品公司 and 伊利/蒙牛 are two apart",
        )

    def test_the_same_credit_code_written_differently_is_suspected(self):
        Organization.objects.create(name="伊利实业集团股份有限公司", credit_code="91150100701463127H")
        Organization.objects.create(name="内蒙古伊利实业", credit_code="９１１５０１００７０１４６３１２７ｈ")
        Organization.objects.create(name="另一家公司", credit_code="91150100MA0N00001X")
        found = names(Organization, duplicates.organization_duplicates(Organization.objects.all()))
        self.assertEqual(found, [("统一社会信用代码相同（写法不同）", ["伊利实业集团股份有限公司", "内蒙古伊利实业"])])

    def test_the_queries_do_not_grow_with_the_number_of_organizations(self):
        Organization.objects.bulk_create(Organization(name=f"测试单位{number:04d}") for number in range(300))
        with CaptureQueriesContext(connection) as queries:
            groups = duplicates.organization_duplicates(Organization.objects.all(), limit=5)
        self.assertLessEqual(len(queries), 4)
        self.assertTrue(1 <= len(groups) <= 5, "numbered names one character apart join into at most `limit` groups")
        self.assertEqual(groups[0].pks[0], Organization.objects.order_by("pk").first().pk, "lowest numbers first")

    def test_only_the_queryset_is_searched(self):
        division = Division.objects.filter(in_hohhot=True).first()
        Organization.objects.create(name="金字保灵", division=division)
        Organization.objects.create(name="金宇保灵")
        found = duplicates.organization_duplicates(Organization.objects.filter(division=division))
        self.assertEqual(found, [])


class TalentDuplicatesTests(TestCase):
    number: str
    first: Talent
    second: Talent
    third: Talent
    fourth: Talent

    @classmethod
    def setUpTestData(cls):
        cls.number = valid_id_number("15010219800101123")
        cls.first = Talent.objects.create(name="张伟", id_number=cls.number)
        cls.second = Talent.objects.create(name="张伟", id_type="other", id_number=cls.number[:6] + cls.number[8:17])
        cls.third = Talent.objects.create(name="李娜", birth_date=datetime.date(1985, 5, 1))
        cls.fourth = Talent.objects.create(name="李娜", birth_date=datetime.date(1985, 5, 1))
        Talent.objects.create(name="李娜", birth_date=datetime.date(1990, 1, 1))

    def test_same_number_written_differently_and_same_name_and_birth_date_are_suspected(self):
        groups = duplicates.talent_duplicates(Talent.objects.all())
        self.assertEqual(
            [(str(group.reason), group.pks) for group in groups],
            [
                ("身份证件号码相同（写法不同）", (self.first.pk, self.second.pk)),
                ("姓名和出生日期相同", (self.third.pk, self.fourth.pk)),
            ],
        )

    def test_the_page_masks_personal_data_for_reviewers(self):
        self.client.force_login(make_user("reviewer", roles.REVIEWER))
        page = self.client.get(admin_url(Talent, "duplicates"))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "姓名和出生日期相同")
        self.assertContains(page, "****-**-**")
        self.assertNotContains(page, "1985")
        self.assertNotContains(page, self.number)
        self.assertNotContains(page, "merge_into", msg_prefix="reviewers may not merge")

    def test_the_page_shows_values_and_offers_the_merge_to_administrators(self):
        self.client.force_login(make_user("administrator", roles.ADMINISTRATOR))
        page = self.client.get(admin_url(Talent, "duplicates"))
        self.assertContains(page, "1985")
        self.assertContains(page, self.number)
        self.assertContains(page, 'value="merge_into"')

    def test_people_without_any_role_may_not_open_the_page(self):
        self.client.force_login(make_user("nobody"))
        self.assertEqual(self.client.get(admin_url(Talent, "duplicates")).status_code, 403)


class ScopedDuplicatesPageTests(TestCase):
    def test_a_scoped_reviewer_sees_only_the_duplicates_of_their_districts(self):
        division_a, division_b = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        Organization.objects.create(name="金字保灵", division=division_a)
        Organization.objects.create(name="金宇保灵", division=division_a)
        Organization.objects.create(name="伊利集团", division=division_b)
        Organization.objects.create(name="伊利集囝", division=division_b)
        self.client.force_login(make_user("reviewer", roles.REVIEWER, divisions=[division_a]))
        page = self.client.get(admin_url(Organization, "duplicates"))
        self.assertContains(page, "金字保灵")
        self.assertNotContains(page, "伊利集团")
