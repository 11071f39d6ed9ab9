"""Migration 0006: trigram, short-grams and sort indexes on PostgreSQL; nothing on SQLite. Migration
0029: the district indexes serve a district clerk's filtered counts."""

import importlib
import unittest

from django.db import connection
from django.test import TestCase

from registry.admin import performance
from registry.models import Organization, Talent

scale_migration = importlib.import_module("registry.migrations.0006_scale_indexes")

EXPECTED_INDEXES = {
    "registry_talent": {
        "registry_talent_name_trgm",
        "registry_talent_name_grams",
        "registry_talent_name_id",
        "registry_talent_introduced_id",
        "registry_talent_tier_name_id",
        "registry_talent_degree_name_id",
    },
    "registry_organization": {"registry_organization_name_trgm", "registry_organization_name_grams"},
    "registry_organizationalias": {"registry_organizationalias_name_trgm", "registry_organizationalias_name_grams"},
    "registry_techcontract": {
        "registry_techcontract_title_trgm",
        "registry_techcontract_title_grams",
        "registry_techcontract_registration_number_trgm",
        "registry_techcontract_registration_number_grams",
        "registry_techcontract_signed_id",
    },
}
ALL_NAMES = set().union(*EXPECTED_INDEXES.values())


def plan(queryset, *disabled) -> str:
    """EXPLAIN of the queryset with sequential scans (and `disabled` plan types) discouraged, to see
    which indexes can serve it on the near-empty test tables."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", *disabled):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL indexes")
class PostgresIndexTests(TestCase):
    def test_indexes_exist(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [list(ALL_NAMES)]
            )
            rows = cursor.fetchall()
        found: dict[str, set[str]] = {}
        for table, name, definition in rows:
            found.setdefault(table, set()).add(name)
            if name.endswith("_trgm"):
                self.assertIn("gin (upper(", definition)
                self.assertIn("gin_trgm_ops", definition)
            if name.endswith("_grams"):
                self.assertIn("gin (registry_short_grams(upper(", definition)
        self.assertEqual(found, EXPECTED_INDEXES)

    def test_trigram_extension_is_installed(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            self.assertIsNotNone(cursor.fetchone())

    def test_short_grams_are_the_one_and_two_character_substrings(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT registry_short_grams(upper(%s))", ["张小明a"])
            self.assertEqual(sorted(cursor.fetchone()[0]), sorted(["张", "小", "明", "A", "张小", "小明", "明A"]))
            cursor.execute("SELECT registry_short_grams('')")
            self.assertEqual(cursor.fetchone()[0], [])

    def test_django_icontains_can_use_the_trigram_index(self):
        # A GIN index serves bitmap scans only; without them the name index would be walked in order.
        talents = Talent.objects.filter(name__icontains="张小明").order_by()
        self.assertIn("registry_talent_name_trgm", plan(talents, "enable_indexscan"))
        organizations = Organization.objects.filter(name__icontains="乳业公司").order_by()
        self.assertIn("registry_organization_name_trgm", plan(organizations, "enable_indexscan"))

    def test_admin_search_conditions_use_the_indexes(self):
        def searched(path, term):
            condition = performance.as_q(performance.field_condition(Talent, path, "icontains", term))
            return plan(Talent.objects.filter(condition).order_by(), "enable_indexscan")

        self.assertIn("registry_talent_name_grams", searched("name", "张伟"))
        self.assertIn("registry_talent_name_trgm", searched("name", "张伟明"))
        self.assertIn("registry_organization_name_grams", searched("employer__name", "乳业"))
        self.assertIn("registry_organization_name_trgm", searched("employer__name", "乳业公司"))

    def test_default_order_can_use_the_name_index(self):
        self.assertIn("registry_talent_name_id", plan(Talent.objects.order_by("name", "id")[:50], "enable_sort"))

    def test_the_district_indexes_hold_every_column_the_talent_list_filters_on(self):
        # Migration 0029: a district clerk's filtered list is counted from the district index alone
        # (an index-only scan; measured at scale in bench/README.md), so a plain-column filter added
        # to the list must be added to the index too.
        from django.contrib import admin

        filtered = [
            Talent._meta.get_field(item).column
            for item in admin.site._registry[Talent].list_filter
            if isinstance(item, str) and "__" not in item
        ]
        self.assertIn("tier_id", filtered)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes"
                " WHERE tablename = 'registry_talent' AND indexname = ANY(%s)",
                [["registry_talent_division_name", "registry_talent_zone_name", "registry_talent_division_tier"]],
            )
            definitions = dict(cursor.fetchall())
        for name, district in (
            ("registry_talent_division_name", "scope_division_id"),
            ("registry_talent_zone_name", "scope_zone_id"),
        ):
            with self.subTest(name):
                keys, _include, included = definitions[name].partition(" INCLUDE ")
                self.assertIn(f"({district}, name, id)", keys)
                self.assertEqual(set(filtered) - set(included.strip("()").split(", ")), set())
        self.assertIn("(scope_division_id, tier_id)", definitions["registry_talent_division_tier"])


class RecordingEditor:
    """A schema editor stand-in on the current (SQLite) connection that records what it would run."""

    connection = connection

    def __init__(self):
        self.executed = []

    def execute(self, sql, params=()):
        self.executed.append(sql)


@unittest.skipIf(connection.vendor == "postgresql", "the SQLite side")
class SqliteNoOpTests(TestCase):
    def test_no_postgres_indexes_on_sqlite(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            names = {row[0] for row in cursor.fetchall()}
        self.assertFalse(names & ALL_NAMES)

    def test_migration_writes_no_sql_on_sqlite(self):
        migration = scale_migration.Migration("0006_scale_indexes", "registry")
        editor = RecordingEditor()
        for operation in migration.operations:
            operation.database_forwards("registry", editor, None, None)
            operation.database_backwards("registry", editor, None, None)
        self.assertEqual(editor.executed, [])
        self.assertGreater(len(migration.operations), 10)
