"""Audit: logins, failed logins and logouts become AuditEvents; record changes keep their user."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV

from registry import roles
from registry.admin.access import AccessMixin
from registry.models import AuditEvent, Organization
from registry.signals import record_event
from registry.tests.access_support import PASSWORD, make_user
from registry.tests.admin_pages import form_data


class LoginAuditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("clerk", roles.DATA_ENTRY)

    def login(self, password):
        return self.client.post(
            reverse("admin:login"), {"username": "clerk", "password": password}, REMOTE_ADDR="10.2.0.7"
        )

    def test_login_and_logout_are_recorded_with_user_and_address(self):
        self.login(PASSWORD)
        self.client.post(reverse("admin:logout"), REMOTE_ADDR="10.2.0.7")
        events = list(AuditEvent.objects.order_by("at", "id").values_list("kind", "user", "username", "ip_address"))
        self.assertEqual(
            events,
            [
                ("login", self.user.pk, "clerk", "10.2.0.7"),
                ("logout", self.user.pk, "clerk", "10.2.0.7"),
            ],
        )

    def test_failed_login_is_recorded_without_the_password(self):
        self.login("Wrong-Password-123")
        event = AuditEvent.objects.get()
        self.assertEqual((event.kind, event.user, event.username), ("login_failed", None, "clerk"))
        self.assertNotIn("Wrong-Password", event.detail)

    def test_an_export_event_names_model_and_rows(self):
        event = record_event(AuditEvent.Kind.EXPORT, user=self.user, model="registry.Talent", rows=12)
        self.assertEqual(
            (event.username, event.model, event.rows, event.ip_address), ("clerk", "registry.Talent", 12, None)
        )


@override_settings(ROOT_URLCONF="registry.tests.urls_matrix")
class RecordHistoryTests(TestCase):
    def test_a_change_on_screen_keeps_a_history_entry_with_the_user(self):
        clerk = make_user("clerk", roles.DATA_ENTRY)
        organization = Organization.objects.create(name="旧名称")
        self.client.force_login(clerk)
        url = reverse("admin:registry_organization_change", args=[organization.pk])
        response = self.client.post(url, form_data(self.client.get(url), name="新名称"))
        self.assertEqual(response.status_code, 302)
        latest = organization.history.first()
        self.assertEqual((latest.name, latest.history_user, latest.history_type), ("新名称", clerk, "~"))

    def test_audit_events_are_listed_and_filtered_for_administrators(self):
        administrator = make_user("administrator", roles.ADMINISTRATOR)
        AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN_FAILED, username="intruder", ip_address="10.9.9.9")
        AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN, username="clerk")
        self.client.force_login(administrator)
        response = self.client.get(reverse("admin:registry_auditevent_changelist"), {"kind__exact": "login_failed"})
        self.assertContains(response, "intruder")
        self.assertContains(response, "10.9.9.9")
        self.assertNotContains(response, ">clerk<")


class ExportingAdmin(AccessMixin, ExportMixin, admin.ModelAdmin):
    """AccessMixin over django-import-export's own export, as RegistryAdmin composes them."""


class ExportAuditTests(TestCase):
    def export(self, user):
        request = RequestFactory().post("/", REMOTE_ADDR="10.3.0.1")
        request.user = user
        return ExportingAdmin(Organization, admin.site).get_export_data(CSV(), request, Organization.objects.all())

    def test_an_export_is_recorded_with_user_model_and_rows(self):
        Organization.objects.create(name="甲单位")
        Organization.objects.create(name="乙单位")
        reviewer = make_user("reader", roles.REVIEWER)
        data = self.export(reviewer)
        self.assertIn("甲单位", data)
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
        self.assertEqual(
            (event.user, event.model, event.rows, event.ip_address), (reviewer, "registry.Organization", 2, "10.3.0.1")
        )

    def test_a_refused_export_records_nothing(self):
        with self.assertRaises(PermissionDenied):
            self.export(make_user("clerk", roles.DATA_ENTRY))
        self.assertFalse(AuditEvent.objects.exists())
