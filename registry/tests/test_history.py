"""Every change made in the admin is kept with the user who made it, and can be reverted there."""

from django.test import TestCase
from django.urls import reverse

from registry.models import Organization, Talent

from .admin_pages import admin_url, form_data, log_in_superuser


class HistoryTests(TestCase):
    def setUp(self):
        self.user = log_in_superuser(self.client)

    def change(self, record, **values):
        url = admin_url(type(record), "change", record.pk)
        response = self.client.post(url, form_data(self.client.get(url), **values))
        self.assertEqual(response.status_code, 302, "the change was refused")

    def test_a_change_in_the_admin_is_recorded_with_its_user(self):
        page = self.client.get(admin_url(Organization, "add"))
        self.client.post(admin_url(Organization, "add"), form_data(page, name="呼和浩特某研究院", kind="institute"))
        organization = Organization.objects.get(name="呼和浩特某研究院")
        self.change(organization, name="呼和浩特市某研究院", credit_code="91110000600037341L")

        latest, created = organization.history.all()[:2]
        self.assertEqual(
            (created.history_type, created.name, created.history_user), ("+", "呼和浩特某研究院", self.user)
        )
        self.assertEqual(
            (latest.history_type, latest.name, latest.history_user), ("~", "呼和浩特市某研究院", self.user)
        )
        self.assertEqual(latest.credit_code, "91110000600037341L")

        history_page = self.client.get(admin_url(Organization, "history", organization.pk))
        self.assertContains(history_page, "chief")
        self.assertContains(history_page, "呼和浩特市某研究院")

    def test_reverting_on_the_history_page_restores_the_old_values(self):
        talent = Talent.objects.create(name="赵六", title="研究员")
        self.change(talent, title="教授", position="院长")
        talent.refresh_from_db()
        self.assertEqual((talent.title, talent.position), ("教授", "院长"))

        first = talent.history.earliest()
        url = reverse("admin:registry_talent_simple_history", args=(talent.pk, first.history_id))
        revert_page = self.client.get(url)
        self.assertContains(revert_page, "还原到此版本")
        shown = [(change.label, change.current, change.restored) for change in revert_page.context["changes"]]
        self.assertIn(("职称", "教授", "研究员"), shown)
        response = self.client.post(url, {"_revert": "1"})
        self.assertEqual(response.status_code, 302)

        talent.refresh_from_db()
        self.assertEqual((talent.title, talent.position), ("研究员", ""))
        latest = talent.history.latest()
        self.assertEqual((latest.title, latest.history_user), ("研究员", self.user))
        self.assertEqual(talent.history.count(), 3)
