"""Who a row is: namesakes at one employer are two people; identity numbers and registration numbers
identify records when present."""

from django.test import TestCase

from registry.models import Organization, Talent
from registry.tests.access_support import valid_id_number

from .admin_pages import admin_url, form_data, log_in_superuser


class NamesakeFormTests(TestCase):
    def test_two_namesakes_at_one_employer_can_both_be_registered_by_form(self):
        log_in_superuser(self.client)
        employer = Organization.objects.create(name="内蒙古大学")
        for first17 in ("15010219800101123", "15010219850505123"):
            page = self.client.get(admin_url(Talent, "add"))
            data = form_data(page, name="张伟", employer=str(employer.pk), id_number=valid_id_number(first17))
            response = self.client.post(admin_url(Talent, "add"), data)
            self.assertEqual(response.status_code, 302, "the second namesake was refused")
        self.assertEqual(Talent.objects.filter(name="张伟", employer=employer).count(), 2)
