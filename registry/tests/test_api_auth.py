"""API authentication: keys (401 when missing, unknown, revoked or expired), staff sessions, kinds,
throttling, read-only methods, the audit log of calls, and key storage (hash only, last use)."""

import datetime

from django.test import override_settings
from django.utils import timezone

from registry import roles
from registry.api.keys import ApiKey, token_digest
from registry.models import AuditEvent
from registry.tests.api_support import ApiTestCase, make_key
from registry.tests.support import make_user

TALENTS = "/api/v1/talents/"


class KeyAuthenticationTests(ApiTestCase):
    def test_anonymous_gets_401_in_json_with_a_chinese_message(self):
        response = self.api(TALENTS)
        self.assert_error(response, 401, "not_authenticated")
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="api"')

    def test_unknown_and_malformed_keys_get_401(self):
        _key, token = make_key()
        self.assert_error(self.api(TALENTS, token + "x"), 401, "key_invalid")
        self.assert_error(self.api(TALENTS, "skj_" + "A" * 43), 401, "key_invalid")
        self.assert_error(self.api(TALENTS, HTTP_AUTHORIZATION=f"Bearer {token} extra"), 401, "key_invalid")
        self.assert_error(self.api(TALENTS, HTTP_AUTHORIZATION="Bearer " + "x" * 5000), 401, "key_invalid")

    def test_revoked_key_gets_401(self):
        key, token = make_key()
        self.assertEqual(self.api(TALENTS, token).status_code, 200)
        key.revoked_at = timezone.now()
        key.save()
        self.assert_error(self.api(TALENTS, token), 401, "key_revoked")

    def test_expired_key_gets_401(self):
        _key, token = make_key(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        self.assert_error(self.api(TALENTS, token), 401, "key_expired")

    def test_only_a_keyed_hash_of_the_token_is_stored(self):
        key, token = make_key()
        stored = ApiKey.objects.values().get(pk=key.pk)
        self.assertNotIn(token, [str(value) for value in stored.values()])
        self.assertEqual(stored["digest"], token_digest(token))
        self.assertTrue(token.startswith(stored["prefix"]))
        self.assertLess(len(stored["prefix"]), len(token) // 3)
        with self.settings(API_KEY_SECRET="another-secret"):
            self.assertNotEqual(token_digest(token), stored["digest"])

    @override_settings(API_KEY_LAST_USED_INTERVAL=300)
    def test_last_used_time_is_written_at_most_once_per_interval(self):
        key, token = make_key()
        self.api(TALENTS, token)
        first = ApiKey.objects.get(pk=key.pk).last_used_at
        assert first is not None
        self.api(TALENTS, token)
        self.assertEqual(ApiKey.objects.get(pk=key.pk).last_used_at, first)
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - datetime.timedelta(seconds=301))
        self.api(TALENTS, token)
        used_again = ApiKey.objects.get(pk=key.pk).last_used_at
        assert used_again is not None
        self.assertGreater(used_again, first - datetime.timedelta(seconds=1))

    def test_a_key_reads_only_its_record_kinds(self):
        _key, token = make_key(kinds=["talents"])
        self.assertEqual(self.api(TALENTS, token).status_code, 200)
        self.assert_error(self.api("/api/v1/organizations/", token), 403, "permission_denied")
        self.assert_error(self.api(f"/api/v1/organizations/{self.org_a.pk}/", token), 403, "permission_denied")
        self.assert_error(self.api("/api/v1/dashboard/", token), 403, "permission_denied")
        # Lookup lists need no grant: other records link to them by id.
        self.assertEqual(self.api("/api/v1/divisions/", token).status_code, 200)

    def test_the_api_is_read_only(self):
        _key, token = make_key()
        response = self.client.post(TALENTS, {"name": "x"}, HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assert_error(response, 405, "method_not_allowed")
        response = self.client.delete(f"{TALENTS}{self.talent_a.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assert_error(response, 405, "method_not_allowed")

    def test_unknown_paths_answer_json_404(self):
        _key, token = make_key()
        self.assert_error(self.api("/api/v1/people/", token), 404, "not_found")
        self.assert_error(self.api(f"{TALENTS}999999/", token), 404, "not_found")
        self.assert_error(self.api(f"{TALENTS}abc/", token), 404, "not_found")


class StaffSessionTests(ApiTestCase):
    def test_staff_read_with_their_own_permissions_and_scope(self):
        clerk = make_user(roles.DATA_ENTRY, username="clerk_a", scope=[self.division_a])
        self.client.force_login(clerk)
        self.assertEqual(self.names(TALENTS), {"张三"})
        self.assertEqual(self.api(f"{TALENTS}{self.talent_b.pk}/").status_code, 404)

    def test_staff_without_the_view_permission_are_refused(self):
        self.client.force_login(make_user(username="nobody"))
        self.assert_error(self.api(TALENTS), 403, "permission_denied")

    def test_accounts_that_are_not_staff_are_refused(self):
        user = make_user(roles.REVIEWER, username="outsider")
        user.is_staff = False
        user.save()
        self.client.force_login(user)
        self.assert_error(self.api(TALENTS), 403, "permission_denied")

    def test_session_writes_need_csrf(self):
        self.client.force_login(make_user(roles.ADMINISTRATOR, username="admin"))
        self.client.handler.enforce_csrf_checks = True
        self.assertEqual(self.client.post(TALENTS, {}).status_code, 403)

    def test_a_staff_member_may_not_use_another_scope_through_a_key_header(self):
        clerk = make_user(roles.DATA_ENTRY, username="clerk_a", scope=[self.division_a])
        self.client.force_login(clerk)
        self.assert_error(self.api(TALENTS, "skj_forged"), 401, "key_invalid")


class ThrottleTests(ApiTestCase):
    @override_settings(API_THROTTLE_RATE="2/minute")
    def test_each_key_has_its_own_limit(self):
        _key, token = make_key()
        _other, other_token = make_key(name="其他系统")
        self.assertEqual(self.api(TALENTS, token).status_code, 200)
        self.assertEqual(self.api(TALENTS, token).status_code, 200)
        response = self.api(TALENTS, token)
        self.assert_error(response, 429, "throttled")
        self.assertGreater(int(response["Retry-After"]), 0)
        self.assertEqual(self.api(TALENTS, other_token).status_code, 200)


class CallAuditTests(ApiTestCase):
    def test_every_call_is_logged_with_key_endpoint_and_rows(self):
        key, token = make_key()
        self.api(TALENTS + "?search=张三&ordering=-id", token)
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.API)
        self.assertEqual(event.username, f"API:{key.prefix}")
        self.assertIsNone(event.user)
        self.assertEqual((event.model, event.rows), ("registry.talent", 1))
        self.assertIn("GET /api/v1/talents/", event.detail)
        self.assertIn("ordering=-id", event.detail)
        self.assertIn(key.name, event.detail)
        self.assertNotIn("张三", event.detail)  # search terms are not written down

    def test_refused_calls_of_a_known_caller_are_logged_too(self):
        _key, token = make_key(kinds=["talents"])
        self.api("/api/v1/subsidies/", token)
        self.assertIn("→ 403", AuditEvent.objects.get(kind=AuditEvent.Kind.API).detail)

    def test_calls_without_a_known_caller_are_not_events(self):
        self.api(TALENTS)
        self.api(TALENTS, "skj_unknown")
        self.assertFalse(AuditEvent.objects.filter(kind=AuditEvent.Kind.API).exists())

    def test_staff_calls_name_the_user(self):
        user = make_user(roles.REVIEWER, username="reader")
        self.client.force_login(user)
        self.api(f"{TALENTS}{self.talent_a.pk}/")
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.API)
        self.assertEqual((event.user, event.rows), (user, 1))
