"""Issue 13 point 3 (forms): link fields obey the district scope, in every form and inline.

A district clerk could link another district's talent to a workstation by posting its primary
key, and the page then showed that talent's name. Every foreign-key and many-to-many field now
offers and accepts only records of the user's districts (plus what the record already links to).
"""

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse

from registry import roles
from registry.models import Division, Organization, Talent, TechContract, Workstation, WorkstationMember
from registry.tests.access_support import RecordBuilder, make_user


class ScopedLinkTests(TestCase):
    clerk_a: User
    contract: TechContract
    division_a: Division
    division_b: Division
    org_a: Organization
    org_b: Organization
    talent_a: Talent
    talent_b: Talent
    workstation: Workstation

    @classmethod
    def setUpTestData(cls):
        cls.division_a, cls.division_b = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        cls.org_a = Organization.objects.create(name="甲区企业", division=cls.division_a)
        cls.org_b = Organization.objects.create(name="乙区企业", division=cls.division_b)
        cls.talent_a = Talent.objects.create(name="甲区专家", employer=cls.org_a)
        cls.talent_b = Talent.objects.create(name="乙区专家", employer=cls.org_b)
        cls.workstation = Workstation.objects.create(
            name="甲区工作站", kind=Workstation.Kind.choices[0][0], host=cls.org_a
        )
        cls.clerk_a = make_user("clerk_a", roles.DATA_ENTRY, divisions=[cls.division_a])
        contract_type = RecordBuilder().get(TechContract._meta.get_field("contract_type").related_model)
        cls.contract = TechContract.objects.create(title="跨区合同", contract_type=contract_type)
        cls.contract.buyers.set([cls.org_b])
        cls.contract.sellers.set([cls.org_a])

    def setUp(self):
        self.client.force_login(self.clerk_a)

    def test_a_talent_of_another_district_cannot_be_linked_by_its_key(self):
        url = reverse("admin:registry_workstationmember_add")
        data = {"workstation": self.workstation.pk, "talent": self.talent_b.pk, "role": "expert"}
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "选择一个有效的选项")
        self.assertNotContains(response, "乙区专家")
        self.assertFalse(WorkstationMember.objects.exists())
        data["talent"] = self.talent_a.pk
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(WorkstationMember.objects.get().talent, self.talent_a)

    def test_inline_parts_obey_the_scope_too(self):
        url = reverse("admin:registry_workstation_change", args=[self.workstation.pk])
        page = self.client.get(url)
        data = {
            name: page.context["adminform"].form[name].value() or "" for name in page.context["adminform"].form.fields
        }
        data.update(
            {
                "workstationmember_set-TOTAL_FORMS": "1",
                "workstationmember_set-INITIAL_FORMS": "0",
                "workstationmember_set-0-talent": self.talent_b.pk,
                "workstationmember_set-0-role": "expert",
            }
        )
        prefix = page.context["inline_admin_formsets"][0].formset.prefix
        data = {key.replace("workstationmember_set", prefix): value for key, value in data.items()}
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "乙区专家")
        self.assertFalse(WorkstationMember.objects.exists())

    def test_a_cross_district_record_saved_as_it_is_keeps_its_links(self):
        url = reverse("admin:registry_techcontract_change", args=[self.contract.pk])
        page = self.client.get(url)
        form = page.context["adminform"].form
        self.assertEqual(set(form.fields["buyers"].queryset), {self.org_a, self.org_b})
        data = {"title": "跨区合同", "contract_type": self.contract.contract_type_id}
        data.update({"buyers": [self.org_b.pk], "sellers": [self.org_a.pk]})
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        self.assertEqual(list(self.contract.buyers.all()), [self.org_b])

    def test_a_new_record_offers_only_the_users_districts(self):
        page = self.client.get(reverse("admin:registry_workstationmember_add"))
        self.assertEqual(list(page.context["adminform"].form.fields["talent"].queryset), [self.talent_a])
