"""Base class for end-to-end tests in Debian's Chromium, driven by Playwright.

The project is served on loopback by Django's live server (with the test database); Chromium is
started from the system (`chromium` on PATH or /usr/bin/chromium), never downloaded. Without it the
tests are skipped with a loud message, unless REQUIRE_BROWSER=1 (CI), where they fail.
Screenshots of each step go to test-output/screenshots/<database>/<test>/.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from django.apps import apps as django_apps
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.servers.basehttp import WSGIServer
from django.db import connection

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright
from django.test import override_settings
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# synchronous and safe, so Django's async-safety guard is switched off while browser tests run.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


# Generous, because the shared test machine can be very loaded; a passing test never waits for it.
STEP_TIMEOUT_MS = 60_000


class SerialLiveServerThread(LiveServerThread):
    """The live server answering one request at a time.

    With SQLite the test database lives in memory and is one connection shared by every server thread;
    two requests at once (a page and its autocomplete, say) then fail with "database table is locked".
    Answering in turn costs nothing a test notices (the server closes each connection after its answer).
    """

    def _create_server(self, connections_override=None):
        # The serving thread already uses the shared connections (LiveServerThread.run).
        return WSGIServer((self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False)


def find_chromium() -> str | None:
    return shutil.which("chromium") or next(
        (path for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.path.exists(path)),
        None,
    )


def skip_or_fail(reason: str):
    import unittest

    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"REQUIRE_BROWSER=1 but {reason}")
    banner = "!" * 78
    sys.stderr.write(f"\n{banner}\n!!  SKIPPING browser tests: {reason}\n{banner}\n")
    raise unittest.SkipTest(reason)


@override_settings(
    SECURE_SSL_REDIRECT=False,
    SESSION_COOKIE_SECURE=False,
    CSRF_COOKIE_SECURE=False,
    SECURE_HSTS_SECONDS=0,
    ALLOWED_HOSTS=["localhost", "127.0.0.1"],
)
class BrowserTestCase(StaticLiveServerTestCase):
    """A live server plus one Chromium for the class and a fresh browser context per test."""

    browser: Browser
    playwright: Playwright

    host = "127.0.0.1"
    server_thread_class = SerialLiveServerThread

    @classmethod
    def setUpClass(cls):
        executable = find_chromium()
        if executable is None:
            skip_or_fail("Chromium is not installed (Debian package `chromium`).")
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            skip_or_fail("Playwright for Python is not installed (requirements-dev.txt).")
        super().setUpClass()
        os.environ[ASYNC_UNSAFE] = "true"
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        os.environ.pop(ASYNC_UNSAFE, None)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        # Live-server tests empty every table after each test (groups and permissions come back
        # through post_migrate); put back the lookup lists that migration 0002 seeds.
        reference_data = importlib.import_module("registry.migrations.0002_reference_data")
        reference_data.load(django_apps, None)
        self.context = self.browser.new_context(
            locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        self.context.set_default_timeout(STEP_TIMEOUT_MS)
        self.page = self.context.new_page()
        self.step = 0
        self.shots = SCREENSHOTS / connection.vendor / f"{type(self).__name__}.{self._testMethodName}"
        shutil.rmtree(self.shots, ignore_errors=True)
        self.shots.mkdir(parents=True, exist_ok=True)

    def tearDown(self):
        outcome = getattr(self, "_outcome", None)
        if outcome is not None and not getattr(outcome, "success", True):
            self.snap("failure")
        self.context.close()
        super().tearDown()

    def url(self, path: str) -> str:
        return self.live_server_url + path

    def snap(self, name: str, full_page: bool = True) -> Path:
        """Save a screenshot of the current page as the next numbered step."""
        self.step += 1
        path = self.shots / f"{self.step:02d}-{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def log_in(self, username: str, password: str):
        from django.conf import settings

        self.page.goto(self.url("/" + settings.ADMIN_URL + "login/"))
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("input[type=submit]")
