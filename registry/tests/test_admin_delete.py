"""Deleting a record others depend on is refused, in Chinese, naming the records that depend on it."""

from django.test import TestCase

from registry.models import Organization, OrganizationAlias, Qualification, QualificationKind, Talent

from .admin_pages import admin_url, log_in_superuser


class ProtectedDeleteTests(TestCase):
    def setUp(self):
        log_in_superuser(self.client)
        self.organization = Organization.objects.create(name="内蒙古某科技有限公司")
        self.qualification = Qualification.objects.create(
            organization=self.organization,
            kind=QualificationKind.objects.get(name="高新技术企业"),
            number="GR202415000001",
        )
        self.talent = Talent.objects.create(name="钱七", employer=self.organization)

    def assert_refusal_names_the_dependents(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "受保护的相关对象")
        self.assertContains(response, "企业资质")
        self.assertContains(response, str(self.qualification))
        self.assertContains(response, "钱七")
        self.assertNotContains(response, 'name="post"')

    def test_the_delete_page_lists_the_dependents_and_deletes_nothing(self):
        url = admin_url(Organization, "delete", self.organization.pk)
        self.assert_refusal_names_the_dependents(self.client.get(url))
        response = self.client.post(url, {"post": "yes"})
        self.assert_refusal_names_the_dependents(response)
        self.assertTrue(Organization.objects.filter(pk=self.organization.pk).exists())

    def test_the_delete_action_refuses_too(self):
        free = Organization.objects.create(name="无关联单位")
        selection = {"action": "delete_selected", "_selected_action": [self.organization.pk, free.pk]}
        url = admin_url(Organization, "changelist")
        self.assert_refusal_names_the_dependents(self.client.post(url, selection))
        response = self.client.post(url, {**selection, "post": "yes"})
        self.assert_refusal_names_the_dependents(response)
        self.assertEqual(Organization.objects.filter(pk__in=[self.organization.pk, free.pk]).count(), 2)

    def test_records_without_dependents_are_deleted_with_their_parts(self):
        self.qualification.delete()
        self.talent.delete()
        OrganizationAlias.objects.create(organization=self.organization, name="某科技")
        url = admin_url(Organization, "changelist")
        response = self.client.post(
            url, {"action": "delete_selected", "_selected_action": [self.organization.pk], "post": "yes"}, follow=True
        )
        self.assertContains(response, "成功删除")
        self.assertFalse(Organization.objects.exists())
        self.assertFalse(OrganizationAlias.objects.exists())
