"""Issue 13 point 1: reverting on the history page is a write like any other.

It needs change permission, obeys the district scope (of the record now and as restored) and the
read-only shared lists, shows what will change ("还原到此版本"), takes no values from the request,
and is recorded as 已还原.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.urls import reverse

from registry import access, history, roles
from registry.models import Division, Organization, Talent
from registry.tests.access_support import make_user, valid_id_number


def revert_url(record):
    model = record.instance_type._meta.model_name
    return reverse(f"admin:registry_{model}_simple_history", args=[record.id, record.history_id])


class RevertTests(TestCase):
    chief: User
    city_clerk: User
    clerk_a: User
    division_a: Division
    division_b: Division
    org_a: Organization
    org_b: Organization
    reviewer: User

    @classmethod
    def setUpTestData(cls):
        cls.division_a, cls.division_b = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        cls.org_a = Organization.objects.create(name="甲区企业", division=cls.division_a)
        cls.org_b = Organization.objects.create(name="乙区企业", division=cls.division_b)
        cls.chief = get_user_model().objects.create_superuser("chief", password=None)
        cls.clerk_a = make_user("clerk_a", roles.DATA_ENTRY, divisions=[cls.division_a])
        cls.reviewer = make_user("reviewer", roles.REVIEWER)
        cls.city_clerk = make_user("city_clerk", roles.DATA_ENTRY)

    def talent_with_two_versions(self, **first):
        """A talent created with `first` values, then renamed (by the chief)."""
        talent = Talent(name="王五", title="研究员", **first)
        talent._history_user = self.chief  # type: ignore[attr-defined]  # simple-history's user of the next save
        talent.save()
        talent.name, talent.title = "王五改", "教授"
        talent.save()
        return talent, talent.history.earliest()

    def test_reviewer_sees_the_diff_without_a_button_and_cannot_revert(self):
        talent, first = self.talent_with_two_versions(employer=self.org_b)
        self.client.force_login(self.reviewer)
        page = self.client.get(revert_url(first))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_revert"')
        self.assertContains(page, "王五改")
        response = self.client.post(revert_url(first), {"name": '=HYPERLINK("x")', "_revert": "1"})
        self.assertEqual(response.status_code, 403)
        talent.refresh_from_db()
        self.assertEqual(talent.name, "王五改")

    def test_scoped_clerk_cannot_revert_a_shared_division(self):
        division = self.division_b
        division.save()  # reference data comes without history: give it a first version
        first = division.history.get()
        division.name = "改名区"
        division.save()
        self.client.force_login(self.clerk_a)
        page = self.client.get(revert_url(first))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_revert"')
        self.assertContains(page, "全市共用")
        response = self.client.post(revert_url(first), {"name": '=HYPERLINK("http://x")', "_revert": "1"})
        self.assertEqual(response.status_code, 403)
        division.refresh_from_db()
        self.assertEqual(division.name, "改名区")

    def test_scoped_clerk_cannot_revert_a_record_of_another_district(self):
        talent, first = self.talent_with_two_versions(employer=self.org_b)
        self.client.force_login(self.clerk_a)
        self.assertEqual(self.client.get(revert_url(first)).status_code, 404)
        self.assertEqual(self.client.post(revert_url(first), {"_revert": "1"}).status_code, 404)
        talent.refresh_from_db()
        self.assertEqual(talent.name, "王五改")

    def test_a_revert_that_would_move_the_record_out_of_the_district_is_refused(self):
        talent = Talent.objects.create(name="调动人才", employer=self.org_b)
        talent.employer = self.org_a
        talent.save()
        in_b = talent.history.earliest()
        self.client.force_login(self.clerk_a)
        response = self.client.post(revert_url(in_b), {"_revert": "1"}, follow=True)
        self.assertContains(response, "还原后的版本不在您负责的地区")
        talent.refresh_from_db()
        self.assertEqual(talent.employer, self.org_a)

    def test_the_page_shows_what_will_change_and_the_revert_is_recorded_as_reverted(self):
        talent, first = self.talent_with_two_versions(employer=self.org_a)
        self.client.force_login(self.clerk_a)
        page = self.client.get(revert_url(first))
        self.assertContains(page, "还原到此版本")
        self.assertEqual(
            [(c.label, c.current, c.restored) for c in page.context["changes"]],
            [("姓名", "王五改", "王五"), ("职称", "教授", "研究员")],
        )
        self.assertNotContains(page, 'name="title"')  # a diff, not an editable form
        # Whatever is posted, the values come from the version.
        response = self.client.post(revert_url(first), {"name": '=HYPERLINK("http://x")', "_revert": "1"})
        self.assertRedirects(response, reverse("admin:registry_talent_history", args=[talent.pk]))
        talent.refresh_from_db()
        self.assertEqual((talent.name, talent.title, talent.employer), ("王五", "研究员", self.org_a))
        latest = talent.history.latest()
        self.assertEqual(latest.history_user, self.clerk_a)
        self.assertTrue(latest.history_change_reason.startswith("已还原"))
        listing = self.client.get(reverse("admin:registry_talent_history", args=[talent.pk]))
        self.assertContains(listing, "已还原")

    def test_personal_data_keeps_its_value_for_users_who_may_not_see_it(self):
        old, new = valid_id_number("15010219800101123"), valid_id_number("15010219900101123")
        talent = Talent.objects.create(name="赵六", employer=self.org_a, id_number=old, phone="13900000000")
        talent.id_number, talent.phone, talent.title = new, "13911111111", "教授"
        talent.save()
        first = talent.history.earliest()
        self.client.force_login(self.clerk_a)
        page = self.client.get(revert_url(first))
        self.assertNotContains(page, old)
        self.assertNotContains(page, new)
        self.assertContains(page, "个人信息")
        self.client.post(revert_url(first), {"_revert": "1"})
        talent.refresh_from_db()
        self.assertEqual((talent.title, talent.id_number, talent.phone), ("", new, "13911111111"))
        # An administrator (with the personal-data permission) restores them too.
        self.client.force_login(self.chief)
        self.client.post(revert_url(first), {"_revert": "1"})
        talent.refresh_from_db()
        self.assertEqual((talent.id_number, talent.phone), (old, "13900000000"))

    def test_restored_values_that_are_no_longer_valid_change_nothing(self):
        organization = Organization.objects.create(name="旧名称研究院")
        organization.name = "新名称研究院"
        organization.save()
        Organization.objects.create(name="旧名称研究院")  # the old name is taken since
        first = organization.history.earliest()
        self.client.force_login(self.city_clerk)
        response = self.client.post(revert_url(first), {"_revert": "1"}, follow=True)
        self.assertContains(response, "未还原")
        organization.refresh_from_db()
        self.assertEqual(organization.name, "新名称研究院")

    def test_a_deleted_record_is_restored_only_with_add_permission_and_in_scope(self):
        talent = Talent.objects.create(name="已删除人才", employer=self.org_a)
        pk = talent.pk
        talent.delete()
        created = Talent.history.filter(id=pk, history_type="+").get()
        self.client.force_login(self.reviewer)
        self.assertEqual(self.client.post(revert_url(created), {"_revert": "1"}).status_code, 403)
        self.assertFalse(Talent.objects.filter(pk=pk).exists())
        self.client.force_login(self.clerk_a)
        self.client.post(revert_url(created), {"_revert": "1"})
        self.assertEqual(Talent.objects.get(pk=pk).name, "已删除人才")

    def test_revert_function_refuses_a_user_without_change_permission(self):
        talent, first = self.talent_with_two_versions(employer=self.org_a)
        reviewer = type(self.reviewer).objects.get(pk=self.reviewer.pk)
        with self.assertRaises(PermissionDenied):
            history.revert(talent, first, reviewer)
        self.assertTrue(access.in_scope(reviewer, talent))
