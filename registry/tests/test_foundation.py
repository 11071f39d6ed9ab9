"""Project foundation: language, admin login page, health check and production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase

ROOT = Path(__file__).resolve().parents[2]


class LanguageTests(TestCase):
    def test_admin_login_page_is_in_chinese_even_for_an_english_browser(self):
        response = self.client.get("/" + settings.ADMIN_URL + "login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "市科技局人才与技术转移登记系统")
        self.assertContains(response, "登录")
        self.assertEqual(response["Content-Language"], "zh-hans")

    def test_english_can_be_chosen(self):
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        self.assertEqual(response.status_code, 302)
        response = self.client.get("/" + settings.ADMIN_URL + "login/")
        self.assertContains(response, "Science and Technology Bureau Registry")
        self.assertContains(response, "Log in")

    def test_root_redirects_to_the_admin(self):
        response = self.client.get("/")
        self.assertRedirects(response, "/" + settings.ADMIN_URL, fetch_redirect_response=False)

    def test_health_check_answers(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.content, b"ok")


def run_manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    # Start from the real defaults: drop the overrides the test run itself uses.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "STATIC_MANIFEST") and not k.startswith("SECURE_")
    }
    env.update(environment)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


class ProductionSettingsTests(SimpleTestCase):
    def test_check_deploy_passes_without_warnings(self):
        result = run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="registry.example.org",
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_secret_key_is_required_when_debug_is_off(self):
        result = run_manage("check", DEBUG="0")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY is required", result.stderr)

    def test_timezone_and_language(self):
        self.assertEqual(settings.TIME_ZONE, "Asia/Shanghai")
        self.assertTrue(settings.USE_TZ)
        self.assertEqual(settings.LANGUAGE_CODE, "zh-hans")


class DatabaseTests(SimpleTestCase):
    def test_tests_run_on_the_database_named_by_database_url(self):
        from django.db import connection

        url = os.environ.get("DATABASE_URL", "")
        expected = "postgresql" if url.startswith("postgres") else "sqlite"
        self.assertEqual(connection.vendor, expected)
