"""registry.schema: pending and unknown migrations of a database against the code, squashed ones included."""

from unittest import mock

from django.db import connection
from django.test import SimpleTestCase, TestCase

from registry import schema

CODE = {
    ("registry", "0001_initial"): (),
    ("registry", "0002_more"): (),
    # A squash of 0001 and 0002, kept next to them while old databases still have those applied.
    ("registry", "0001_squashed_0002"): (("registry", "0001_initial"), ("registry", "0002_more")),
    ("registry", "0003_later"): (),
    ("auth", "0001_initial"): (),
}


class CompareTests(SimpleTestCase):
    def compare(self, applied):
        with mock.patch("registry.schema.code_migrations", return_value=CODE):
            return schema.compare(applied)

    def test_an_empty_database_has_everything_pending(self):
        state = self.compare([])
        self.assertEqual(
            state.pending, [("auth", "0001_initial"), ("registry", "0001_squashed_0002"), ("registry", "0003_later")]
        )
        self.assertEqual(state.unknown, [])

    def test_a_squash_counts_as_applied_when_what_it_replaces_is(self):
        applied = [("auth", "0001_initial"), ("registry", "0001_initial"), ("registry", "0002_more")]
        self.assertEqual(self.compare(applied).pending, [("registry", "0003_later")])
        applied = [("auth", "0001_initial"), ("registry", "0001_squashed_0002"), ("registry", "0003_later")]
        self.assertEqual(self.compare(applied), schema.MigrationState([], []))

    def test_migrations_the_code_lacks_are_unknown(self):
        applied = [*CODE, ("registry", "0004_from_newer_code"), ("gone_app", "0001_initial")]
        state = self.compare(applied)
        self.assertEqual(state.pending, [])
        self.assertEqual(state.unknown, [("registry", "0004_from_newer_code")])  # apps the code has, only


class AppliedMigrationsTests(TestCase):
    def test_the_test_database_is_up_to_date_with_the_code(self):
        applied = schema.applied_migrations(connection)
        self.assertIn(("registry", "0001_initial"), applied)
        self.assertEqual(schema.compare(applied), schema.MigrationState([], []))
