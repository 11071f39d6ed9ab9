"""Permission matrix: every registered registry admin, every page, every role (real groups)."""

from django.contrib.auth.models import Group, Permission, User
from django.core.management.sql import emit_post_migrate_signal
from django.db import models
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse

from registry import roles
from registry.models import ApiKey, AuditEvent, EvidenceKind, EvidenceRequirement, RegistryModel, ReminderRule
from registry.tests import urls_matrix
from registry.tests.access_support import RecordBuilder, make_user

OK, FORBIDDEN = 200, 403
PAGES = ("changelist", "add", "change", "delete", "history")
# What each role gets on each page of a registry record model.
RECORD_MATRIX = {
    "administrator": dict(changelist=OK, add=OK, change=OK, delete=OK, history=OK),
    "data_entry": dict(changelist=OK, add=OK, change=OK, delete=FORBIDDEN, history=OK),
    "reviewer": dict(changelist=OK, add=FORBIDDEN, change=OK, delete=FORBIDDEN, history=OK),
    "no_role": dict.fromkeys(PAGES, FORBIDDEN),
}
# Spreadsheet rights: (import, export).
SPREADSHEET_MATRIX = {
    "administrator": (True, True),
    "data_entry": (True, False),
    "reviewer": (False, True),
    "no_role": (False, False),
}
AUDIT_MATRIX = {
    "administrator": dict(changelist=OK, add=FORBIDDEN, change=OK, delete=FORBIDDEN),
    "data_entry": dict(changelist=FORBIDDEN, add=FORBIDDEN, change=FORBIDDEN, delete=FORBIDDEN),
    "reviewer": dict(changelist=FORBIDDEN, add=FORBIDDEN, change=FORBIDDEN, delete=FORBIDDEN),
    "no_role": dict(changelist=FORBIDDEN, add=FORBIDDEN, change=FORBIDDEN, delete=FORBIDDEN),
}
# API keys: managed by administrators, revoked but never deleted (registry/api/admin.py).
API_KEY_MATRIX = {
    "administrator": dict(changelist=OK, add=OK, change=OK, delete=FORBIDDEN),
    "data_entry": dict.fromkeys(("changelist", "add", "change", "delete"), FORBIDDEN),
    "reviewer": dict.fromkeys(("changelist", "add", "change", "delete"), FORBIDDEN),
    "no_role": dict.fromkeys(("changelist", "add", "change", "delete"), FORBIDDEN),
}


def page_url(model, page, obj=None):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
    return reverse(name, args=[obj.pk] if page in ("change", "delete", "history") else [])


@override_settings(ROOT_URLCONF="registry.tests.urls_matrix")
class PermissionMatrixTests(TestCase):
    audit_event: AuditEvent
    records: dict[type[models.Model], models.Model]
    users: dict[str, User]

    @classmethod
    def setUpTestData(cls):
        cls.users = {
            "administrator": make_user("administrator", roles.ADMINISTRATOR),
            "data_entry": make_user("clerk", roles.DATA_ENTRY),
            "reviewer": make_user("reader", roles.REVIEWER),
            "no_role": make_user("nobody"),
        }
        builder = RecordBuilder()
        cls.records = {model: builder.get(model) for model in cls.registry_admins() if issubclass(model, RegistryModel)}
        cls.audit_event = AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN, username="someone")

    @staticmethod
    def registry_admins():
        return {m: a for m, a in urls_matrix.site._registry.items() if m._meta.app_label == "registry"}

    def test_every_registry_record_model_is_in_the_matrix(self):
        registered = set(self.registry_admins())
        self.assertTrue(set(roles.record_models()) <= registered)
        self.assertEqual(
            registered - set(roles.record_models()),
            {AuditEvent, ApiKey, EvidenceKind, EvidenceRequirement, ReminderRule},
        )

    def test_only_administrators_keep_the_evidence_lookups(self):
        for model in (EvidenceKind, EvidenceRequirement):
            url = reverse(f"admin:registry_{model._meta.model_name}_changelist")
            for role, status in (("administrator", 200), ("data_entry", 403), ("reviewer", 403)):
                with self.subTest(model=model.__name__, role=role):
                    self.client.force_login(self.users[role])
                    self.assertEqual(self.client.get(url).status_code, status)

    def test_anonymous_users_are_sent_to_login(self):
        login = reverse("admin:login")
        for model, obj in self.records.items():
            for page in PAGES:
                with self.subTest(model=model.__name__, page=page):
                    response = self.client.get(page_url(model, page, obj))
                    self.assertEqual(response.status_code, 302)
                    self.assertTrue(response["Location"].startswith(login + "?next="))

    def test_each_role_gets_exactly_its_pages_of_every_record_model(self):
        for role, expected in RECORD_MATRIX.items():
            self.client.force_login(self.users[role])
            for model, obj in self.records.items():
                for page, status in expected.items():
                    with self.subTest(role=role, model=model.__name__, page=page):
                        response = self.client.get(page_url(model, page, obj))
                        self.assertEqual(response.status_code, status)

    def test_view_only_change_page_has_no_save_button_and_refuses_a_post(self):
        self.client.force_login(self.users["reviewer"])
        for model, obj in self.records.items():
            with self.subTest(model=model.__name__):
                url = page_url(model, "change", obj)
                self.assertNotContains(self.client.get(url), 'name="_save"')
                self.assertEqual(self.client.post(url, {}).status_code, FORBIDDEN)

    def test_changelists_offer_only_the_allowed_actions(self):
        for role, can_add, can_delete in (
            ("reviewer", False, False),
            ("data_entry", True, False),
            ("administrator", True, True),
        ):
            self.client.force_login(self.users[role])
            for model in self.records:
                with self.subTest(role=role, model=model.__name__):
                    response = self.client.get(page_url(model, "changelist"))
                    self.assertEqual(page_url(model, "add") in response.content.decode(), can_add)
                    self.assertEqual('value="delete_selected"' in response.content.decode(), can_delete)

    def test_data_entry_cannot_delete_by_post_or_bulk_action(self):
        self.client.force_login(self.users["data_entry"])
        for model, obj in self.records.items():
            with self.subTest(model=model.__name__):
                response = self.client.post(page_url(model, "delete", obj), {"post": "yes"})
                self.assertEqual(response.status_code, FORBIDDEN)
                self.client.post(
                    page_url(model, "changelist"),
                    {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
                )
                self.assertTrue(model._default_manager.filter(pk=obj.pk).exists())

    def test_spreadsheet_permissions_of_each_role(self):
        request = RequestFactory().get("/")
        for role, (can_import, can_export) in SPREADSHEET_MATRIX.items():
            request.user = self.users[role]
            for model in self.records:
                model_admin = urls_matrix.site._registry[model]
                with self.subTest(role=role, model=model.__name__):
                    self.assertEqual(model_admin.has_import_permission(request), can_import)
                    self.assertEqual(model_admin.has_export_permission(request), can_export)

    def test_view_only_staff_cannot_import_even_with_the_import_permission(self):
        # django-import-export issue #820: its default lets anyone who can open the admin import.
        reviewer = self.users["reviewer"]
        reviewer.user_permissions.add(Permission.objects.get(codename="import_organization"))
        request = RequestFactory().get("/")
        request.user = type(reviewer).objects.get(pk=reviewer.pk)
        model_admin = next(a for m, a in urls_matrix.site._registry.items() if m._meta.model_name == "organization")
        self.assertFalse(model_admin.has_import_permission(request))

    def test_spreadsheet_pages_follow_the_matrix(self):
        for role, (can_import, can_export) in SPREADSHEET_MATRIX.items():
            self.client.force_login(self.users[role])
            for model in self.records:
                with self.subTest(role=role, model=model.__name__):
                    import_url = page_url(model, "import")
                    export_url = page_url(model, "export")
                    self.assertEqual(self.client.get(import_url).status_code, OK if can_import else FORBIDDEN)
                    self.assertEqual(self.client.get(export_url).status_code, OK if can_export else FORBIDDEN)
                    if not can_import:
                        self.assertEqual(self.client.post(import_url, {}).status_code, FORBIDDEN)
                    if role != "no_role":  # the list itself is closed to staff without a role
                        changelist = self.client.get(page_url(model, "changelist")).content.decode()
                        self.assertEqual(import_url in changelist, can_import)
                        self.assertEqual(export_url in changelist, can_export)

    def test_spreadsheet_urls_exist_for_every_record_model(self):
        for model in self.records:
            page_url(model, "import")
            page_url(model, "export")

    def test_audit_log_is_for_administrators_only_and_read_only(self):
        for role, expected in AUDIT_MATRIX.items():
            self.client.force_login(self.users[role])
            for page, status in expected.items():
                with self.subTest(role=role, page=page):
                    response = self.client.get(page_url(AuditEvent, page, self.audit_event))
                    self.assertEqual(response.status_code, status)
        self.client.force_login(self.users["administrator"])
        response = self.client.post(page_url(AuditEvent, "change", self.audit_event), {"username": "x"})
        self.assertEqual(response.status_code, FORBIDDEN)
        self.audit_event.refresh_from_db()
        self.assertEqual(self.audit_event.username, "someone")

    def test_api_keys_are_for_administrators_only(self):
        key = ApiKey(name="矩阵测试", all_districts=True)
        key.set_token()
        key.save()
        for role, expected in API_KEY_MATRIX.items():
            self.client.force_login(self.users[role])
            for page, status in expected.items():
                with self.subTest(role=role, page=page):
                    self.assertEqual(self.client.get(page_url(ApiKey, page, key)).status_code, status)

    def test_only_administrators_set_the_reminder_rules(self):
        rule = ReminderRule.objects.first()
        for role in RECORD_MATRIX:
            self.client.force_login(self.users[role])
            expected = OK if role == "administrator" else FORBIDDEN
            for page in ("changelist", "add", "change", "delete"):
                with self.subTest(role=role, page=page):
                    self.assertEqual(self.client.get(page_url(ReminderRule, page, rule)).status_code, expected)

    def test_only_administrators_manage_users_and_groups(self):
        for role in RECORD_MATRIX:
            self.client.force_login(self.users[role])
            expected = OK if role == "administrator" else FORBIDDEN
            for url in (
                reverse("admin:auth_user_changelist"),
                reverse("admin:auth_group_changelist"),
                reverse("admin:auth_user_change", args=[self.users["no_role"].pk]),
            ):
                with self.subTest(role=role, url=url):
                    self.assertEqual(self.client.get(url).status_code, expected)


class RoleSyncTests(TestCase):
    def test_groups_exist_with_chinese_names(self):
        names = set(Group.objects.values_list("name", flat=True))
        self.assertTrue({"系统管理员", "数据录入员", "审核查阅员", "个人信息查看"} <= names)

    def test_every_record_model_has_import_and_export_permissions(self):
        for model in roles.record_models():
            for action in ("import", "export"):
                with self.subTest(model=model.__name__, action=action):
                    self.assertTrue(
                        Permission.objects.filter(
                            content_type__app_label="registry", codename=f"{action}_{model._meta.model_name}"
                        ).exists()
                    )

    def test_groups_hold_the_declared_permissions(self):
        entry = set(Group.objects.get(name="数据录入员").permissions.values_list("codename", flat=True))
        self.assertIn("import_talent", entry)
        self.assertIn("change_techcontract", entry)
        self.assertFalse({c for c in entry if c.startswith(("delete_", "export_", "approve_"))})
        self.assertNotIn("view_personal_data", entry)
        reviewer = set(Group.objects.get(name="审核查阅员").permissions.values_list("codename", flat=True))
        self.assertEqual({c.split("_", 1)[0] for c in reviewer}, {"view", "export", "approve"})
        administrator = set(Group.objects.get(name="系统管理员").permissions.values_list("codename", flat=True))
        self.assertTrue({"delete_talent", "view_personal_data", "change_user", "view_auditevent"} <= administrator)
        self.assertNotIn("change_auditevent", administrator)

    def test_a_model_without_permissions_is_covered_after_the_next_migrate(self):
        # As for a model added later: its permissions and grants do not exist yet.
        Permission.objects.filter(codename__in=["import_talent", "export_talent"]).delete()
        entry = Group.objects.get(name="数据录入员")
        entry.permissions.remove(*Permission.objects.filter(codename="add_talent"))
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        codenames = set(entry.permissions.values_list("codename", flat=True))
        self.assertTrue({"import_talent", "add_talent"} <= codenames)
        reviewer = Group.objects.get(name="审核查阅员")
        self.assertTrue(reviewer.permissions.filter(codename="export_talent").exists())

    def test_sync_removes_permissions_outside_the_definition(self):
        reviewer = Group.objects.get(name="审核查阅员")
        reviewer.permissions.add(Permission.objects.get(codename="delete_organization"))
        roles.sync_roles()
        self.assertFalse(reviewer.permissions.filter(codename="delete_organization").exists())
