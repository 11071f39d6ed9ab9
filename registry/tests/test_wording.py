"""Screens in the words staff use: history list, list titles, user page, Django's stock messages."""

import json
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission, User
from django.test import TestCase
from django.utils import translation

from registry import roles
from registry.admin.security import permission_label
from registry.models import Organization, Subsidy, Talent
from registry.tests.access_support import PASSWORD, make_user


class HistoryListTests(TestCase):
    clerk: User
    talent: Talent

    @classmethod
    def setUpTestData(cls):
        cls.clerk = make_user("clerk", roles.DATA_ENTRY)
        cls.talent = Talent.objects.create(name="程海荣", title="研究员")
        cls.talent.title = ""
        cls.talent.save()
        cls.talent.name = "程海蓉"
        cls.talent.save()

    def test_changes_are_worded_and_no_code_or_none_shows(self):
        self.client.force_login(self.clerk)
        html = self.client.get(f"/admin/registry/talent/{self.talent.pk}/history/").content.decode()
        self.assertIn("变更内容", html)
        self.assertIn("研究员 → 已清空", html)
        self.assertIn("程海荣 → 程海蓉", html)
        for forbidden in ("CHANGES", "Changes", "None", "拼音排序键", "pinyin"):
            self.assertNotIn(forbidden, html)


class ListTitleTests(TestCase):
    def test_a_list_is_titled_as_on_the_index(self):
        self.client.force_login(make_user("reviewer", roles.REVIEWER))
        response = self.client.get("/admin/registry/subsidy/")
        self.assertEqual(response.context["title"], "奖补与后补助")
        self.assertNotContains(response, "选择 奖补 来修改")
        self.assertEqual(str(Subsidy._meta.verbose_name), "奖补")


class UserPageTests(TestCase):
    chief: User

    @classmethod
    def setUpTestData(cls):
        cls.chief = get_user_model().objects.create_superuser("chief", password="x")

    def test_permissions_are_named_by_screen_and_action(self):
        with translation.override("zh-hans"):
            add_logentry = Permission.objects.get(codename="add_logentry")
            self.assertEqual(permission_label(add_logentry), "日志记录 · 增加")
            export = Permission.objects.get(codename="export_talent")
            self.assertEqual(permission_label(export), "人才 · 导出")
            personal = Permission.objects.get(codename="view_personal_data")
            self.assertEqual(permission_label(personal), "人才 · 可查看人才个人信息")

    def test_the_user_page_describes_roles_and_shows_no_english_permissions(self):
        user = make_user("someone")
        self.client.force_login(self.chief)
        html = self.client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
        for role in roles.ROLES:
            self.assertIn(f"<strong>{role.name}</strong>", html)
        self.assertIn("查看和导出登记记录；审核通过或退回待审核的记录", html)
        self.assertNotIn("Can add log entry", html)
        self.assertIn("日志记录 · 增加", html)
        group_html = self.client.get(f"/admin/auth/group/{Group.objects.first().pk}/change/").content.decode()
        self.assertNotIn("Can add", group_html)

    def test_a_new_account_is_staff_and_the_form_says_so(self):
        self.client.force_login(self.chief)
        page = self.client.get("/admin/auth/user/add/")
        self.assertContains(page, "工作人员状态")
        inline = re.search(r'name="([\w-]+)-TOTAL_FORMS"', page.content.decode()).group(1)
        management = {f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"}
        fields = {"username": "newclerk", "usable_password": "true", "password1": PASSWORD, "password2": PASSWORD}
        self.assertEqual(self.client.post("/admin/auth/user/add/", {**fields, **management}).status_code, 302)
        self.assertTrue(get_user_model().objects.get(username="newclerk").is_staff)

    def test_the_two_box_selector_speaks_chinese(self):
        self.client.force_login(self.chief)
        script = self.client.get("/admin/jsi18n/").content.decode()
        self.assertIn(json.dumps("全部选择%s"), script)
        self.assertIn(json.dumps("可选的%s"), script)


class StockMessageTests(TestCase):
    def test_login_error_has_chinese_punctuation(self):
        get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)
        response = self.client.post("/admin/login/", {"username": "clerk", "password": "wrong-password-1"})
        self.assertContains(response, "请输入一个正确的工作人员账户用户名和密码。注意两者都区分大小写。")

    def test_a_duplicate_name_is_refused_in_one_sentence(self):
        Organization.objects.create(name="重复单位")
        chief = get_user_model().objects.create_superuser("chief", password="x")
        self.client.force_login(chief)
        response = self.client.post("/admin/registry/organization/add/", {"name": "重复单位", "kind": "enterprise"})
        self.assertContains(response, "已有相同名称的单位。")


class LanguageSwitchTests(TestCase):
    def test_each_language_is_named_in_itself(self):
        self.client.force_login(get_user_model().objects.create_superuser("chief", password="x"))
        for language in ("zh-hans", "en"):
            with self.subTest(language=language):
                self.client.cookies["django_language"] = language
                html = self.client.get("/admin/registry/organization/").content.decode()
                self.assertIn(">English</option>", html)
                self.assertIn(">简体中文</option>", html)
                self.assertNotIn("英语", html)
