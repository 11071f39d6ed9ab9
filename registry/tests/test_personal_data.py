"""Personal data (identity number, phone, e-mail, birth date) only for holders of the permission."""

import datetime

from django.contrib.auth.models import User
from django.test import TestCase, override_settings
from django.urls import reverse

from registry import access, roles
from registry.models import Organization, Talent
from registry.tests.access_support import make_user, valid_id_number

ID_NUMBER = valid_id_number()  # 15010219800101123 + check character
PHONE = "13912340000"
EMAIL = "zhang.san@example.org"


@override_settings(ROOT_URLCONF="registry.tests.urls_access")
class PersonalDataTests(TestCase):
    administrator: User
    clerk: User
    reader: User
    talent: Talent
    trusted_clerk: User

    @classmethod
    def setUpTestData(cls):
        cls.clerk = make_user("clerk", roles.DATA_ENTRY)
        cls.reader = make_user("reader", roles.REVIEWER)
        cls.trusted_clerk = make_user("trusted", roles.DATA_ENTRY, roles.PERSONAL_DATA)
        cls.administrator = make_user("administrator", roles.ADMINISTRATOR)
        employer = Organization.objects.create(name="呼和浩特某研究院")
        cls.talent = Talent.objects.create(
            name="张三",
            employer=employer,
            id_number=ID_NUMBER,
            phone=PHONE,
            email=EMAIL,
            birth_date=datetime.date(1980, 1, 1),
        )

    def change_url(self):
        return reverse("admin:registry_talent_change", args=[self.talent.pk])

    def assert_no_personal_values(self, response):
        self.assertEqual(response.status_code, 200)
        for value in (ID_NUMBER, PHONE, EMAIL, "1980-01-01", "1980年1月1日"):
            self.assertNotContains(response, value)

    def test_mask_format(self):
        self.assertEqual(access.mask(ID_NUMBER), "1501**********" + ID_NUMBER[-4:])
        self.assertEqual(access.mask("13900000000"), "139****0000")
        self.assertEqual(access.mask(EMAIL), "z***@example.org")
        self.assertEqual(access.mask(datetime.date(1980, 1, 1)), "****-**-**")
        self.assertEqual(access.mask(""), "")

    def test_hidden_fields_follow_the_permission(self):
        self.assertEqual(access.hidden_fields(self.clerk, Talent), Talent.PERSONAL_FIELDS)
        self.assertEqual(access.hidden_fields(self.reader, Talent), Talent.PERSONAL_FIELDS)
        self.assertEqual(access.hidden_fields(self.trusted_clerk, Talent), ())
        self.assertEqual(access.hidden_fields(self.administrator, Talent), ())
        self.assertEqual(access.hidden_fields(self.clerk, Organization), ())

    def test_change_form_shows_masked_read_only_values(self):
        self.client.force_login(self.clerk)
        response = self.client.get(self.change_url())
        self.assert_no_personal_values(response)
        self.assertContains(response, access.mask(ID_NUMBER))
        self.assertContains(response, "139****0000")
        self.assertNotContains(response, 'name="id_number"')
        self.assertNotContains(response, 'name="phone"')
        self.assertContains(response, 'name="name"')

    def test_holder_of_the_permission_sees_and_edits_the_values(self):
        self.client.force_login(self.trusted_clerk)
        response = self.client.get(self.change_url())
        self.assertContains(response, ID_NUMBER)
        self.assertContains(response, 'name="id_number"')
        self.assertContains(response, PHONE)

    def test_posting_personal_fields_without_the_permission_changes_nothing_of_them(self):
        self.client.force_login(self.clerk)
        response = self.client.post(
            self.change_url(),
            {
                "name": "张三丰",
                "gender": "",
                "id_type": "resident",
                "employer": self.talent.employer_id,
                "id_number": valid_id_number("11010119900307001"),
                "phone": "13800000000",
                "email": "x@example.org",
            },
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context["errors"])
        self.talent.refresh_from_db()
        self.assertEqual(self.talent.name, "张三丰")
        self.assertEqual((self.talent.id_number, self.talent.phone, self.talent.email), (ID_NUMBER, PHONE, EMAIL))

    def test_changelist_columns_are_masked(self):
        self.client.force_login(self.reader)
        response = self.client.get(reverse("admin:registry_talent_changelist"))
        self.assert_no_personal_values(response)
        self.assertContains(response, access.mask(ID_NUMBER))
        self.client.force_login(self.administrator)
        self.assertContains(self.client.get(reverse("admin:registry_talent_changelist")), ID_NUMBER)

    def test_search_by_personal_value_finds_nothing_without_the_permission(self):
        url = reverse("admin:registry_talent_changelist")
        for value in (ID_NUMBER, ID_NUMBER[:6], PHONE, EMAIL):
            with self.subTest(value=value):
                self.client.force_login(self.reader)
                self.assertNotContains(self.client.get(url, {"q": value}), "张三")
                self.client.force_login(self.administrator)
                self.assertContains(self.client.get(url, {"q": value}), "张三")

    def test_related_search_by_identity_number_finds_nothing_without_the_permission(self):
        from registry.models import Commissioner

        Commissioner.objects.create(talent=self.talent, kind=Commissioner.Kind.AGRICULTURAL)
        url = reverse("admin:registry_commissioner_changelist")
        self.client.force_login(self.reader)
        self.assertNotContains(self.client.get(url, {"q": ID_NUMBER}), "张三")
        self.client.force_login(self.administrator)
        self.assertContains(self.client.get(url, {"q": ID_NUMBER}), "张三")

    def test_filtering_on_a_personal_field_in_the_address_is_refused(self):
        self.client.force_login(self.reader)
        url = reverse("admin:registry_talent_changelist")
        for lookup in ("id_number", "id_number__startswith", "phone__contains", "birth_date__year"):
            with self.subTest(lookup=lookup):
                self.assertEqual(self.client.get(url, {lookup: ID_NUMBER[:4]}).status_code, 400)
        response = self.client.get(reverse("admin:registry_talent_changelist"))
        self.assertNotContains(response, "birth_date__")  # the birth-date filter is gone too

    def test_history_pages_mask_personal_values(self):
        self.client.force_login(self.administrator)
        self.talent.phone = "13712345678"
        self.talent.save()
        self.client.force_login(self.reader)
        history = self.client.get(reverse("admin:registry_talent_history", args=[self.talent.pk]))
        self.assert_no_personal_values(history)
        self.assertNotContains(history, "13712345678")
        self.assertContains(history, "137****5678")
        version = self.talent.history.earliest()
        response = self.client.get(
            reverse("admin:registry_talent_simple_history", args=[self.talent.pk, version.history_id])
        )
        self.assert_no_personal_values(response)
        self.assertContains(response, "个人信息")  # the revert page: personal data keeps its values
        self.client.force_login(self.administrator)
        history = self.client.get(reverse("admin:registry_talent_history", args=[self.talent.pk]))
        self.assertContains(history, "13712345678")
