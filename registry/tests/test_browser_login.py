"""In Chromium: a data-entry user logs in; repeated wrong passwords lock another account out."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .browser import BrowserTestCase

ADMIN = "/" + settings.ADMIN_URL
DATA_ENTRY_GROUP = "数据录入员"


class LoginFlowTests(BrowserTestCase):
    def test_data_entry_user_logs_in_and_sees_the_registry(self):
        user = get_user_model().objects.create_user("clerk", password="clerk-Pass-2026-x", is_staff=True)
        user.groups.add(Group.objects.get(name=DATA_ENTRY_GROUP))
        self.page.goto(self.url(ADMIN + "login/"))
        self.assertIn("登录", self.page.title())
        self.snap("login-page")
        self.log_in("clerk", "clerk-Pass-2026-x")
        self.page.wait_for_selector("#user-tools")
        self.assertIn("clerk", self.page.locator("#user-tools").text_content() or "")
        self.assertIn("人才", self.page.locator("#content-main").inner_text())
        self.snap("logged-in-index")

    def test_repeated_wrong_passwords_lock_the_account(self):
        get_user_model().objects.create_user("target", password="right-Pass-2026-x", is_staff=True)
        for attempt in range(1, settings.AXES_FAILURE_LIMIT):
            self.log_in("target", f"wrong-{attempt}")
            self.assertIn("请输入一个正确的", self.page.locator(".errornote").inner_text())
        self.log_in("target", "wrong-last")
        self.assertIn("登录失败次数过多", self.page.content())
        self.snap("locked-out")
        # Even the right password is refused while the lock lasts.
        self.log_in("target", "right-Pass-2026-x")
        self.assertIn("登录失败次数过多", self.page.content())
        self.assertNotIn("#user-tools", self.page.content())
