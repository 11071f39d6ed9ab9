"""District scope: a user limited to some divisions / zones sees and changes only their records."""

from django.contrib.auth.models import User
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse

from registry import access, roles
from registry.models import (
    Commissioner,
    DevelopmentZone,
    Division,
    Organization,
    Policy,
    Talent,
    TechContract,
)
from registry.tests import urls_access
from registry.tests.access_support import RecordBuilder, make_user


@override_settings(ROOT_URLCONF="registry.tests.urls_access")
class DistrictScopeTests(TestCase):
    city_clerk: User
    clerk_a: User
    clerk_zone: User
    contract: TechContract
    division_a: Division
    division_b: Division
    org_a: Organization
    org_b: Organization
    org_zone: Organization
    talent_a: Talent
    talent_b: Talent
    talent_free: Talent
    zone: DevelopmentZone

    @classmethod
    def setUpTestData(cls):
        cls.division_a, cls.division_b = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        cls.zone = DevelopmentZone.objects.all()[0]
        cls.org_a = Organization.objects.create(name="甲区企业", division=cls.division_a)
        cls.org_b = Organization.objects.create(name="乙区企业", division=cls.division_b)
        cls.org_zone = Organization.objects.create(name="园区企业", zone=cls.zone)
        cls.talent_a = Talent.objects.create(name="甲区人才", employer=cls.org_a)
        cls.talent_b = Talent.objects.create(name="乙区人才", employer=cls.org_b)
        cls.talent_free = Talent.objects.create(name="无单位人才")
        cls.contract = TechContract.objects.create(
            title="跨区合同",
            contract_type=RecordBuilder().get(TechContract._meta.get_field("contract_type").related_model),
        )
        cls.contract.buyers.set([cls.org_b])
        cls.contract.sellers.set([cls.org_a])
        cls.clerk_a = make_user("clerk_a", roles.DATA_ENTRY, divisions=[cls.division_a])
        cls.clerk_zone = make_user("clerk_zone", roles.DATA_ENTRY, zones=[cls.zone])
        cls.city_clerk = make_user("city_clerk", roles.DATA_ENTRY)

    def fresh(self, user):
        # The scope is cached on the user object; each request loads the user anew.
        return type(user).objects.get(pk=user.pk)

    def test_queryset_is_limited_to_the_users_districts(self):
        user = self.fresh(self.clerk_a)
        self.assertEqual(set(access.scope_queryset(user, Talent.objects.all())), {self.talent_a})
        self.assertEqual(set(access.scope_queryset(user, Organization.objects.all())), {self.org_a})
        self.assertEqual(list(access.scope_queryset(user, TechContract.objects.all())), [self.contract])
        zone_user = self.fresh(self.clerk_zone)
        self.assertEqual(set(access.scope_queryset(zone_user, Organization.objects.all())), {self.org_zone})
        self.assertEqual(access.scope_queryset(self.fresh(self.city_clerk), Talent.objects.all()).count(), 3)

    def test_shared_lists_are_visible_but_not_editable_for_scoped_users(self):
        policy = Policy.objects.create(title="市级政策")
        user = self.fresh(self.clerk_a)
        self.assertEqual(list(access.scope_queryset(user, Policy.objects.all())), [policy])
        self.assertFalse(access.may_edit(user, Policy))
        self.assertTrue(access.may_edit(self.fresh(self.city_clerk), Policy))
        request = RequestFactory().get("/")
        request.user = user
        policy_admin = urls_access.site._registry[Policy]
        self.assertTrue(policy_admin.has_view_permission(request))
        self.assertFalse(policy_admin.has_change_permission(request))
        self.assertFalse(policy_admin.has_import_permission(request))

    def test_in_scope_judges_unsaved_rows_as_an_import_does(self):
        user = self.fresh(self.clerk_a)
        self.assertTrue(access.in_scope(user, Talent(name="新人才", employer=self.org_a)))
        self.assertFalse(access.in_scope(user, Talent(name="新人才", employer=self.org_b)))
        self.assertFalse(access.in_scope(user, Talent(name="新人才")))
        self.assertTrue(access.in_scope(user, Commissioner(talent=self.talent_a, kind="agricultural")))
        self.assertFalse(access.in_scope(user, Commissioner(organization=self.org_b, kind="legal_person")))
        self.assertFalse(access.in_scope(user, TechContract(title="新合同")))
        self.assertTrue(access.in_scope(user, TechContract(title="新合同"), values={"buyers": [self.org_a]}))
        self.assertTrue(access.in_scope(user, self.contract))
        self.assertTrue(access.in_scope(self.fresh(self.city_clerk), Talent(name="新人才", employer=self.org_b)))

    def test_every_registry_model_has_a_district_rule(self):
        user = self.fresh(self.clerk_a)
        for model in roles.record_models():
            name = model._meta.model_name
            with self.subTest(model=name):
                self.assertTrue((name in access.DISTRICT_PATHS) != (name in access.SHARED_MODELS))
                for path in access.DISTRICT_PATHS.get(name, ()):
                    self.assertIn(access.path_target(model, path), (Division, DevelopmentZone))
                list(access.scope_queryset(user, model.objects.all()))  # every path is a valid lookup

    def test_changelist_and_change_pages_show_only_scoped_records(self):
        self.client.force_login(self.clerk_a)
        response = self.client.get(reverse("admin:registry_talent_changelist"))
        self.assertContains(response, "甲区人才")
        self.assertNotContains(response, "乙区人才")
        self.assertNotContains(response, "无单位人才")
        response = self.client.get(reverse("admin:registry_talent_change", args=[self.talent_b.pk]))
        self.assertRedirects(response, reverse("admin:index"))
        response = self.client.get(reverse("admin:registry_talent_history", args=[self.talent_b.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.client.get(reverse("admin:registry_talent_history", args=[self.talent_a.pk])).status_code, 200
        )

    def test_records_outside_the_scope_cannot_be_deleted(self):
        self.client.force_login(make_user("admin_a", roles.ADMINISTRATOR, divisions=[self.division_a]))
        response = self.client.post(reverse("admin:registry_talent_delete", args=[self.talent_b.pk]), {"post": "yes"})
        self.assertRedirects(response, reverse("admin:index"))
        self.client.post(
            reverse("admin:registry_talent_changelist"),
            {"action": "delete_selected", "_selected_action": [self.talent_a.pk, self.talent_b.pk], "post": "yes"},
        )
        self.assertEqual(set(Talent.objects.all()), {self.talent_b, self.talent_free})

    def test_history_of_a_deleted_record_outside_the_scope_is_hidden(self):
        talent = Talent.objects.create(name="将删除", employer=self.org_b)
        pk = talent.pk
        talent.delete()
        self.client.force_login(self.clerk_a)
        self.assertEqual(self.client.get(reverse("admin:registry_talent_history", args=[pk])).status_code, 404)
        self.client.force_login(self.city_clerk)
        self.assertEqual(self.client.get(reverse("admin:registry_talent_history", args=[pk])).status_code, 200)

    def test_saving_a_record_into_another_district_is_refused_in_chinese(self):
        self.client.force_login(self.clerk_a)
        url = reverse("admin:registry_talent_change", args=[self.talent_a.pk])
        # Another district's employer is not even a valid choice (issue 13 point 3)...
        response = self.client.post(url, {"name": "甲区人才", "employer": self.org_b.pk, "id_type": ""})
        self.assertContains(response, "选择一个有效的选项")
        self.talent_a.refresh_from_db()
        self.assertEqual(self.talent_a.employer, self.org_a)
        # ...and a record reaching none of the user's districts is refused with the districts named.
        response = self.client.post(url, {"name": "甲区人才", "employer": "", "id_type": ""})
        self.assertContains(response, "该记录不在您负责的地区")
        self.assertContains(response, self.division_a.name)
        self.talent_a.refresh_from_db()
        self.assertEqual(self.talent_a.employer, self.org_a)
        response = self.client.post(reverse("admin:registry_talent_add"), {"name": "新人", "employer": self.org_b.pk})
        self.assertContains(response, "选择一个有效的选项")
        self.assertFalse(Talent.objects.filter(name="新人").exists())
        response = self.client.post(reverse("admin:registry_talent_add"), {"name": "新人", "employer": self.org_a.pk})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Talent.objects.filter(name="新人", employer=self.org_a).exists())

    def test_many_to_many_choices_decide_the_scope_of_a_new_contract(self):
        self.client.force_login(self.clerk_a)
        url = reverse("admin:registry_techcontract_add")
        data = {"title": "新合同", "contract_type": self.contract.contract_type_id}
        self.assertContains(self.client.post(url, data), "该记录不在您负责的地区")
        self.assertContains(self.client.post(url, {**data, "buyers": [self.org_b.pk]}), "选择一个有效的选项")
        data["sellers"] = [self.org_a.pk]
        self.assertEqual(self.client.post(url, data).status_code, 302)

    def test_autocomplete_offers_only_scoped_records(self):
        self.client.force_login(self.clerk_a)
        response = self.client.get(
            reverse("admin:autocomplete"),
            {"app_label": "registry", "model_name": "commissioner", "field_name": "talent", "term": "人才"},
        )
        self.assertEqual(response.status_code, 200)
        names = [item["text"] for item in response.json()["results"]]
        self.assertEqual(names, ["甲区人才"])

    def test_history_address_with_a_malformed_id_is_not_found(self):
        self.client.force_login(self.clerk_a)
        response = self.client.get(reverse("admin:registry_talent_history", args=["abc"]))
        self.assertEqual(response.status_code, 404)

    def test_unscoped_users_see_everything(self):
        self.client.force_login(self.city_clerk)
        response = self.client.get(reverse("admin:registry_talent_changelist"))
        for name in ("甲区人才", "乙区人才", "无单位人才"):
            self.assertContains(response, name)


class ScopeAdministrationTests(TestCase):
    def test_administrators_set_a_users_scope_on_the_user_page(self):
        clerk = make_user("clerk", roles.DATA_ENTRY)
        self.client.force_login(make_user("administrator", roles.ADMINISTRATOR))
        response = self.client.get(reverse("admin:auth_user_change", args=[clerk.pk]))
        self.assertContains(response, "负责地区范围")
        self.assertContains(response, 'name="registry_scope-0-divisions"')


class EmptyScopeTests(TestCase):
    """Issue 13 point 2: a scope whose districts were all removed (or deleted) fails closed."""

    city_clerk: User
    clerk: User
    division: Division
    organization: Organization
    talent: Talent

    @classmethod
    def setUpTestData(cls):
        cls.division = Division.objects.filter(in_hohhot=True).order_by("code")[0]
        cls.organization = Organization.objects.create(name="某区企业", division=cls.division)
        cls.talent = Talent.objects.create(name="某区人才", employer=cls.organization)
        cls.clerk = make_user("emptied", roles.DATA_ENTRY, divisions=[cls.division])
        cls.clerk.registry_scope.divisions.clear()
        cls.city_clerk = make_user("city", roles.DATA_ENTRY)

    def fresh(self, user):
        return type(user).objects.get(pk=user.pk)

    def test_a_scope_without_districts_sees_nothing(self):
        user = self.fresh(self.clerk)
        self.assertTrue(access.is_scoped(user))
        self.assertEqual(list(access.scope_queryset(user, Talent.objects.all())), [])
        self.assertEqual(list(access.scope_queryset(user, Organization.objects.all())), [])
        self.assertFalse(access.in_scope(user, Talent(name="新人", employer=self.organization)))
        self.client.force_login(self.clerk)
        response = self.client.get(reverse("admin:registry_talent_changelist"))
        self.assertNotContains(response, "某区人才")
        response = self.client.post(reverse("admin:registry_talent_add"), {"name": "新人", "employer": ""})
        self.assertFalse(Talent.objects.filter(name="新人").exists())

    def test_only_a_user_without_any_scope_is_city_wide(self):
        self.assertFalse(access.is_scoped(self.fresh(self.city_clerk)))
        self.assertEqual(access.scope_queryset(self.fresh(self.city_clerk), Talent.objects.all()).count(), 1)

    def test_the_user_page_says_which(self):
        self.client.force_login(make_user("administrator", roles.ADMINISTRATOR))
        page = self.client.get(reverse("admin:auth_user_change", args=[self.clerk.pk]))
        self.assertContains(page, "空范围：看不到任何记录")
        page = self.client.get(reverse("admin:auth_user_change", args=[self.city_clerk.pk]))
        self.assertContains(page, "全市（未设负责地区范围）")
        scoped = make_user("scoped", roles.DATA_ENTRY, divisions=[self.division])
        page = self.client.get(reverse("admin:auth_user_change", args=[scoped.pk]))
        self.assertContains(page, f"仅限：{self.division.name}")
        listing = self.client.get(reverse("admin:auth_user_changelist"))
        self.assertContains(listing, "空范围：看不到任何记录")
