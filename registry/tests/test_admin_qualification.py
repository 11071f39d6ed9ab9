"""A qualification's “valid until” is filled from the issue date and the kind's validity when left
empty (high-tech enterprises: three years), on its own page and in the organization's inline."""

import datetime

from django.test import TestCase

from registry.models import Organization, Qualification, QualificationKind

from .admin_pages import admin_url, form_data, log_in_superuser


class ValidUntilDefaultTests(TestCase):
    def setUp(self):
        log_in_superuser(self.client)
        self.organization = Organization.objects.create(name="内蒙古某生物科技有限公司")
        self.high_tech = QualificationKind.objects.get(name="高新技术企业")

    def add(self, **values) -> Qualification:
        page = self.client.get(admin_url(Qualification, "add"))
        self.assertContains(page, "留空时，按发证日期加该资质类型的有效年限自动填写")
        data = form_data(page, organization=self.organization.pk, **values)
        response = self.client.post(admin_url(Qualification, "add"), data)
        self.assertEqual(response.status_code, 302, "the form was refused")
        return Qualification.objects.get()

    def test_high_tech_certificate_is_valid_three_years_and_the_form_shows_it(self):
        qualification = self.add(kind=self.high_tech.pk, number="GR202415000123", issued_on="2024-12-02")
        self.assertEqual(qualification.valid_until, datetime.date(2027, 12, 2))
        page = self.client.get(admin_url(Qualification, "change", qualification.pk))
        self.assertEqual(page.context["adminform"].form["valid_until"].value(), datetime.date(2027, 12, 2))
        self.assertContains(page, 'name="valid_until" value="2027/12/02"')

    def test_29_february_becomes_28_february(self):
        qualification = self.add(kind=self.high_tech.pk, issued_on="2024-02-29")
        self.assertEqual(qualification.valid_until, datetime.date(2027, 2, 28))

    def test_a_date_typed_in_is_kept(self):
        qualification = self.add(kind=self.high_tech.pk, issued_on="2024-12-02", valid_until="2026-06-30")
        self.assertEqual(qualification.valid_until, datetime.date(2026, 6, 30))

    def test_kinds_without_a_validity_leave_it_empty(self):
        open_ended = QualificationKind.objects.create(name="某认定")
        qualification = self.add(kind=open_ended.pk, issued_on="2024-12-02")
        self.assertIsNone(qualification.valid_until)

    def test_the_organization_inline_fills_it_too(self):
        url = admin_url(Organization, "change", self.organization.pk)
        data = form_data(
            self.client.get(url),
            **{
                "qualifications-TOTAL_FORMS": "1",
                "qualifications-0-kind": self.high_tech.pk,
                "qualifications-0-issued_on": "2023-11-20",
            },
        )
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(self.organization.qualifications.get().valid_until, datetime.date(2026, 11, 20))
