"""Security settings: headers, HTTPS-only HSTS, session expiry, password strength, admin path."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase

from registry.tests.support import PASSWORD, make_user
from registry.tests.test_foundation import run_manage

LOGIN_URL = "/" + settings.ADMIN_URL + "login/"


class SecurityHeaderTests(TestCase):
    def test_frame_denial_no_sniff_and_referrer_policy(self):
        response = self.client.get(LOGIN_URL)
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")

    def test_hsts_only_over_https(self):
        self.assertNotIn("Strict-Transport-Security", self.client.get(LOGIN_URL))
        response = self.client.get(LOGIN_URL, secure=True)
        self.assertEqual(response["Strict-Transport-Security"], "max-age=31536000; includeSubDomains; preload")

    def test_session_and_csrf_cookies_are_secure_and_http_only(self):
        self.assertTrue(settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE)
        self.assertTrue(settings.SESSION_COOKIE_HTTPONLY)


class SessionTests(TestCase):
    def test_session_ends_after_eight_hours_or_when_the_browser_closes(self):
        make_user(username="clerk")
        response = self.client.post(LOGIN_URL, {"username": "clerk", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        session = self.client.session
        self.assertEqual(session.get_expiry_age(), 8 * 60 * 60)
        self.assertTrue(session.get_expire_at_browser_close())
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        self.assertEqual(cookie["max-age"], "")  # a browser-session cookie
        self.assertTrue(cookie["httponly"])


class PasswordTests(TestCase):
    def test_weak_passwords_are_refused(self):
        user = make_user(username="zhangwei")
        for weak in ("Short-1a", "123456789012345", "password12345", "zhangwei2024!"):
            with self.subTest(password=weak), self.assertRaises(ValidationError):
                validate_password(weak, user)

    def test_a_long_unusual_password_is_accepted(self):
        validate_password("Lanzhou-Noodles-Quiet-7421", make_user(username="liuyang"))


class AdminPathTests(SimpleTestCase):
    def test_admin_path_comes_from_admin_url(self):
        script = "from django.urls import reverse; print(reverse('admin:index'), reverse('admin:login'))"
        result = run_manage("shell", "--no-imports", "-c", script, DEBUG="1", ADMIN_URL="/kanri/")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["/kanri/", "/kanri/login/"])
