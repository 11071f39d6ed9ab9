"""In Chromium: the pages run under the Content-Security-Policy without a single violation, the
language switch (no inline handler any more) still works, and the API's Swagger UI (bundled, no CDN)
renders its operations under the same policy."""

from django.conf import settings
from django.contrib.auth import get_user_model

from .browser import BrowserTestCase

ADMIN = "/" + settings.ADMIN_URL


class ContentSecurityPolicyFlowTests(BrowserTestCase):
    def test_pages_raise_no_policy_violation_and_the_language_switch_works(self):
        get_user_model().objects.create_superuser("chief", password="chief-Pass-2026-x")
        violations = []
        self.page.on(
            "console",
            lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
        )
        self.log_in("chief", "chief-Pass-2026-x")
        self.page.wait_for_selector("#user-tools")
        for path in (
            "",
            "registry/talent/",
            "registry/talent/add/",
            "registry/techcontract/add/",
            "reports/",
            "registry/talent/import/",
        ):
            self.page.goto(self.url(ADMIN + path))
            self.page.wait_for_load_state("load")
        self.snap("talent-import-under-csp")
        with self.page.expect_navigation():
            self.page.select_option(".language-switcher select", "en")
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "en")
        self.assertEqual(violations, [])

    def test_the_api_docs_render_under_the_policy_from_this_site_only(self):
        get_user_model().objects.create_superuser("chief", password="chief-Pass-2026-x")
        violations, outside = [], []
        self.page.on(
            "console",
            lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
        )
        self.page.on(
            "request",
            lambda request: None if request.url.startswith(self.live_server_url) else outside.append(request.url),
        )
        self.log_in("chief", "chief-Pass-2026-x")
        self.page.wait_for_selector("#user-tools")
        self.page.goto(self.url("/api/docs/"))
        # Swagger UI builds the operation list from /api/schema/ with its own script: it ran.
        self.page.wait_for_selector(".opblock-summary-path", timeout=20_000)
        paths = self.page.locator(".opblock-summary-path").all_inner_texts()
        self.assertIn("/api/v1/talents/", [path.strip().replace("\u200b", "") for path in paths])
        self.snap("api-docs-under-csp")
        self.assertEqual(violations, [])
        self.assertEqual(outside, [])
