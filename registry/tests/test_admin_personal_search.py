"""Talents can be found by identity number or phone only by users allowed to see personal data."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import TestCase

from registry.models import Talent

from .admin_pages import admin_url


class PersonalSearchTests(TestCase):
    def setUp(self):
        self.talent = Talent.objects.create(name="孙八", id_number="150102197003071238", phone="13912345678")
        self.staff = get_user_model().objects.create_user("clerk", password=None, is_staff=True)
        self.staff.user_permissions.add(Permission.objects.get(codename="view_talent"))

    def found(self, query) -> list[Talent]:
        self.client.force_login(get_user_model().objects.get(pk=self.staff.pk))
        response = self.client.get(admin_url(Talent, "changelist"), {"q": query})
        self.assertEqual(response.status_code, 200)
        return list(response.context["cl"].result_list)

    def test_without_the_permission_personal_fields_are_not_searched(self):
        self.assertEqual(self.found("150102197003071238"), [])
        self.assertEqual(self.found("13912345678"), [])
        self.assertEqual(self.found("孙八"), [self.talent])

    def test_with_the_permission_they_are(self):
        self.staff.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
        self.assertEqual(self.found("150102197003071238"), [self.talent])
        self.assertEqual(self.found("13912345678"), [self.talent])
