"""`manage.py setup_registry` (what `make run` calls) creates `admin` once and never resets it."""

import os
import re
from io import StringIO
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase


def setup_output() -> str:
    out = StringIO()
    call_command("setup_registry", stdout=out)
    return out.getvalue()


class SetupRegistryTests(TestCase):
    def test_creates_admin_with_a_random_password_printed_once(self):
        with mock.patch.dict(os.environ, {"DJANGO_SUPERUSER_PASSWORD": ""}):
            first = setup_output()
            password = re.search(r"初始密码 \(仅显示一次\): (\S+)", first).group(1)
            admin = get_user_model().objects.get(username="admin")
            self.assertTrue(admin.is_superuser)
            self.assertTrue(admin.check_password(password))
            self.assertGreaterEqual(len(password), 12)

            second = setup_output()
        self.assertNotIn(password, second)
        admin.refresh_from_db()
        self.assertTrue(admin.check_password(password), "re-running must not reset the password")

    def test_two_fresh_installs_get_different_passwords(self):
        with mock.patch.dict(os.environ, {"DJANGO_SUPERUSER_PASSWORD": ""}):
            first = re.search(r"仅显示一次\): (\S+)", setup_output()).group(1)
            get_user_model().objects.all().delete()
            second = re.search(r"仅显示一次\): (\S+)", setup_output()).group(1)
        self.assertNotEqual(first, second)

    def test_uses_password_from_environment_when_set(self):
        with mock.patch.dict(os.environ, {"DJANGO_SUPERUSER_PASSWORD": "a-Long-chosen-pass-42"}):
            output = setup_output()
        self.assertNotIn("a-Long-chosen-pass-42", output)
        admin = get_user_model().objects.get(username="admin")
        self.assertTrue(admin.check_password("a-Long-chosen-pass-42"))


class FirstStartTests(TestCase):
    def test_registry_counts_as_empty_with_only_the_seeded_lookup_lists(self):
        from registry.management.commands.setup_registry import registry_is_empty
        from registry.models import Division, Organization

        self.assertTrue(Division.objects.exists())
        self.assertTrue(registry_is_empty())
        Organization.objects.create(name="测试单位")
        self.assertFalse(registry_is_empty())
