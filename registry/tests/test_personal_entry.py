"""Issue 13 points 7 and 6 (admin forms): personal data is write-only for data entry, and the 403 page.

数据录入员 (without 个人信息查看) may type an identity number, phone, e-mail and birth date for a NEW
person; once saved, the values are masked and read-only for them and the form says why. A change
that makes the model's check fail on a stored value they cannot see is a clear message, not a 500,
and never shows the value. Refusals are a Chinese page in the admin layout.
"""

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse

from registry import roles
from registry.models import Organization, Talent
from registry.tests.access_support import make_user, valid_id_number

ID_NUMBER = valid_id_number("15010219850505123")
PASSPORT = "E12345678"


class PersonalEntryTests(TestCase):
    clerk: User
    employer: Organization
    reviewer: User

    @classmethod
    def setUpTestData(cls):
        cls.clerk = make_user("clerk", roles.DATA_ENTRY)
        cls.reviewer = make_user("reviewer", roles.REVIEWER)
        cls.employer = Organization.objects.create(name="呼和浩特某研究院")

    def setUp(self):
        self.client.force_login(self.clerk)

    def test_data_entry_enters_personal_data_for_a_new_person(self):
        add = reverse("admin:registry_talent_add")
        page = self.client.get(add)
        for name in ("id_number", "phone", "email", "birth_date"):
            self.assertContains(page, f'name="{name}"')
        self.assertContains(page, "新建记录时可以录入，保存后对您只显示遮蔽值")
        response = self.client.post(
            add,
            {
                "name": "新来的专家",
                "employer": self.employer.pk,
                "id_type": "resident",
                "id_number": ID_NUMBER,
                "phone": "13912345678",
                "email": "expert@example.org",
                "nationality": "中国",
            },
        )
        self.assertEqual(response.status_code, 302)
        talent = Talent.objects.get(name="新来的专家")
        self.assertEqual(
            (talent.id_number, talent.phone, talent.email), (ID_NUMBER, "13912345678", "expert@example.org")
        )
        self.assertEqual(talent.birth_date.isoformat(), "1985-05-05")

    def test_once_saved_the_values_are_masked_read_only_and_the_form_says_why(self):
        talent = Talent.objects.create(name="老专家", employer=self.employer, id_number=ID_NUMBER, phone="13912345678")
        url = reverse("admin:registry_talent_change", args=[talent.pk])
        page = self.client.get(url)
        self.assertNotContains(page, 'name="id_number"')
        self.assertNotContains(page, ID_NUMBER)
        self.assertNotContains(page, "13912345678")
        self.assertContains(page, "1501**********")
        self.assertContains(page, "只有具有“个人信息查看”角色的人员可以查看或修改")
        self.client.post(url, {"name": "老专家", "employer": self.employer.pk, "id_number": "X", "phone": "1"})
        talent.refresh_from_db()
        self.assertEqual((talent.id_number, talent.phone), (ID_NUMBER, "13912345678"))

    def test_switching_the_document_type_of_a_stored_passport_is_an_error_without_the_value(self):
        talent = Talent.objects.create(name="外籍专家", employer=self.employer, id_type="passport", id_number=PASSPORT)
        url = reverse("admin:registry_talent_change", args=[talent.pk])
        response = self.client.post(url, {"name": "外籍专家", "employer": self.employer.pk, "id_type": "resident"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "已存的证件号码与本次修改不符")
        self.assertNotContains(response, PASSPORT)
        talent.refresh_from_db()
        self.assertEqual(talent.id_type, "passport")

    def test_the_403_page_is_chinese_in_the_admin_layout(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(reverse("admin:registry_talent_add"))
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "您没有权限打开此页面或进行此操作", status_code=403)
        self.assertContains(response, 'id="site-name"', status_code=403)
        self.assertContains(response, "reviewer", status_code=403)  # the admin's user links
        self.assertContains(response, 'id="logout-form"', status_code=403)
