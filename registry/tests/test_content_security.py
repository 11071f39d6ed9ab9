"""Issue 13 point 19: a Content-Security-Policy without inline script, and forwarded headers believed
only from the configured proxy."""

import re

from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings
from django.urls import reverse

from registry import roles
from registry.models import AuditEvent, Talent
from registry.tests.support import make_user

# A <script> element that runs inline code: no src, and not a JSON data block.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)


def directives(response) -> dict:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


class ContentSecurityPolicyTests(TestCase):
    def test_policy_allows_this_site_only_and_no_inline_script(self):
        policy = directives(self.client.get(reverse("admin:login")))
        self.assertEqual(policy["default-src"], ["'self'"])
        self.assertEqual(policy["script-src"], ["'self'"])
        self.assertEqual(policy["object-src"], ["'none'"])
        self.assertEqual(policy["frame-ancestors"], ["'none'"])
        self.assertEqual(policy["form-action"], ["'self'"])

    def test_admin_pages_hold_no_inline_script_or_event_handler(self):
        chief = get_user_model().objects.create_superuser("chief", password=None)
        talent = Talent.objects.create(name="页面检查")
        talent.save()
        version = talent.history.earliest()
        urls = [
            reverse("admin:login"),
            reverse("admin:index"),
            reverse("admin:registry_talent_changelist"),
            reverse("admin:registry_talent_add"),
            reverse("admin:registry_talent_change", args=[talent.pk]),
            reverse("admin:registry_talent_history", args=[talent.pk]),
            reverse("admin:registry_talent_simple_history", args=[talent.pk, version.history_id]),
            reverse("admin:registry_talent_import"),
            reverse("admin:registry_talent_export"),
            reverse("admin:registry_reports"),
            reverse("admin:auth_user_change", args=[chief.pk]),
            reverse("admin:registry_techcontract_add"),
            reverse("admin:registry_workstation_add"),
        ]
        for url in urls:
            if url != reverse("admin:login"):
                self.client.force_login(chief)
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                self.assertEqual(INLINE_SCRIPT.findall(html), [])
                self.assertEqual(INLINE_HANDLER.findall(html), [])
                self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        self.client.force_login(make_user(roles.REVIEWER, username="reader"))
        refused = self.client.get(reverse("admin:registry_talent_add"))
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(INLINE_HANDLER.findall(refused.content.decode()), [])


@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_SSL_REDIRECT=True,
    TRUSTED_PROXIES=["10.0.0.1"],
)
class ForwardedHeaderTests(TestCase):
    def test_x_forwarded_proto_counts_only_from_the_configured_proxy(self):
        direct = self.client.get(reverse("admin:login"), REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_PROTO="https")
        self.assertEqual(direct.status_code, 301)
        self.assertTrue(direct["Location"].startswith("https://"))
        proxied = self.client.get(reverse("admin:login"), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        self.assertEqual(proxied.status_code, 200)

    def test_the_client_address_comes_from_the_proxy_only(self):
        login = reverse("admin:login")
        data = {"username": "nobody", "password": "wrong"}
        self.client.post(
            login, data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7", HTTP_X_FORWARDED_PROTO="https"
        )
        self.client.post(login, data, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.8", secure=True)
        addresses = set(
            AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED).values_list("ip_address", flat=True)
        )
        self.assertEqual(addresses, {"198.51.100.7", "203.0.113.5"})
