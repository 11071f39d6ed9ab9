"""The committed migrations describe the models exactly."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase


class MigrationTests(TestCase):
    def test_models_and_migrations_agree(self):
        out = StringIO()
        try:
            call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
        except SystemExit:
            self.fail("models changed without a migration: run `manage.py makemigrations`\n" + out.getvalue())
        self.assertIn("No changes detected", out.getvalue())
