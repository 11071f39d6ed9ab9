"""API keys in the admin: the token shown once and stored hashed, revoking, and who may give what."""

import re

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from registry import roles
from registry.api.keys import ApiKey, token_digest
from registry.models import AuditEvent
from registry.tests.api_support import ApiTestCase, make_key
from registry.tests.support import make_user

ADD = reverse("admin:registry_apikey_add")
CHANGELIST = reverse("admin:registry_apikey_changelist")


def new_key_form(**changes):
    data = {
        "name": "蒙科聚平台",
        "expires_at_0": "2099-12-31",
        "expires_at_1": "00:00:00",
        "record_kinds": ["talents", "dashboard"],
        "notes": "",
    }
    data.update(changes)
    return data


class KeyAdminTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.administrator = make_user(roles.ADMINISTRATOR, username="administrator")
        self.client.force_login(self.administrator)

    def test_a_new_key_is_shown_once_and_stored_as_a_hash(self):
        response = self.client.post(ADD, new_key_form(divisions=[self.division_a.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        page = response.content.decode()
        (token,) = set(re.findall(r"skj_[A-Za-z0-9_-]{43}", page))
        key = ApiKey.objects.get()
        self.assertEqual((key.digest, key.created_by), (token_digest(token), self.administrator))
        self.assertEqual(list(key.divisions.all()), [self.division_a])
        # The key works at once, within its district...
        self.client.logout()
        rows = self.results("/api/v1/talents/", token)
        self.assertEqual({row["name"] for row in rows}, {"张三"})
        # ...and its page never shows the token again.
        self.client.force_login(self.administrator)
        for url in (CHANGELIST, reverse("admin:registry_apikey_change", args=[key.pk])):
            self.assertNotIn(token, self.client.get(url).content.decode())
        self.assertNotIn(token, str(list(AuditEvent.objects.values())))

    def test_a_key_needs_districts_or_all_districts(self):
        response = self.client.post(ADD, new_key_form())
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ApiKey.objects.exists())
        self.assertContains(response, "请选择此密钥可读取的旗县区和开发区")
        response = self.client.post(ADD, new_key_form(all_districts="on", divisions=[self.division_a.pk]))
        self.assertFalse(ApiKey.objects.exists())

    def test_revoking_a_key_refuses_it_at_once(self):
        key, token = make_key()
        self.client.post(CHANGELIST, {"action": "revoke", "_selected_action": [key.pk]})
        self.assertIsNotNone(ApiKey.objects.get(pk=key.pk).revoked_at)
        self.client.logout()
        self.assert_error(self.api("/api/v1/talents/", token), 401, "key_revoked")

    def test_keys_are_never_deleted(self):
        key, _token = make_key()
        response = self.client.get(reverse("admin:registry_apikey_delete", args=[key.pk]))
        self.assertEqual(response.status_code, 403)

    def test_a_creator_cannot_give_personal_data_they_may_not_see(self):
        manager = make_user(roles.REVIEWER, username="key_manager")
        manager.user_permissions.set(Permission.objects.filter(codename__endswith="_apikey"))
        self.client.force_login(manager)
        response = self.client.post(ADD, new_key_form(all_districts="on", personal_data="on"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ApiKey.objects.exists())
        self.assertContains(response, "您无权查看个人信息")

    def test_a_creator_cannot_give_record_kinds_they_may_not_view(self):
        manager = make_user(username="key_manager")
        manager.user_permissions.set(
            Permission.objects.filter(codename__endswith="_apikey") | Permission.objects.filter(codename="view_talent")
        )
        self.client.force_login(manager)
        response = self.client.post(ADD, new_key_form(all_districts="on", record_kinds=["talents", "subsidies"]))
        self.assertFalse(ApiKey.objects.exists())
        self.assertContains(response, "您本人无权查看这些记录")
        self.client.post(ADD, new_key_form(all_districts="on", record_kinds=["talents"]))
        self.assertTrue(ApiKey.objects.exists())

    def test_only_unscoped_administrators_manage_keys(self):
        for user in (
            make_user(roles.ADMINISTRATOR, username="scoped_admin", scope=[self.division_a]),
            make_user(roles.DATA_ENTRY, username="clerk"),
            make_user(roles.REVIEWER, roles.PERSONAL_DATA, username="reader"),
        ):
            self.client.force_login(user)
            self.assertEqual(self.client.get(CHANGELIST).status_code, 403, user)
            self.assertEqual(self.client.post(ADD, new_key_form(all_districts="on")).status_code, 403, user)
        self.assertFalse(ApiKey.objects.exists())

    def test_the_list_shows_each_keys_state(self):
        make_key(name="有效密钥")
        make_key(name="撤销密钥", revoked_at=timezone.now())
        page = self.client.get(CHANGELIST).content.decode()
        self.assertIn("有效密钥", page)
        self.assertIn("已撤销", page)
