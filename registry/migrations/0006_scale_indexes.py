"""Indexes for changelists with a million rows (PostgreSQL only; SQLite keeps Django's own).

* pg_trgm GIN indexes on UPPER(column): Django's `icontains` on PostgreSQL is
  `UPPER(column::text) LIKE UPPER('%term%')`, which such an index serves for terms of 3+ characters.
* GIN indexes on `registry_short_grams(UPPER(column))`, the column's distinct 1- and 2-character
  substrings: pg_trgm finds no trigram in a 2-character term such as a Chinese name (张伟), so the
  admin search (registry/admin/performance.py) looks such terms up in this array instead.
* B-tree indexes matching the default and common sort orders, so that page 500 walks an index.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# (table, column) pairs the admin searches; each gets a trigram and a short-grams index.
TEXT_SEARCH_COLUMNS = [
    ("registry_talent", "name"),
    ("registry_talent", "id_number"),
    ("registry_organization", "name"),
    ("registry_organizationalias", "name"),
    ("registry_techcontract", "title"),
    ("registry_techcontract", "registration_number"),
]
# (index name, table, columns) for sorting and paging.
SORT_INDEXES = [
    ("registry_talent_name_id", "registry_talent", "name, id"),
    ("registry_talent_introduced_id", "registry_talent", "introduced_on, id"),
    # A filtered list in the default order: the filter's rows come out of the index already sorted.
    ("registry_talent_tier_name_id", "registry_talent", "tier_id, name, id"),
    ("registry_talent_degree_name_id", "registry_talent", "degree, name, id"),
    ("registry_techcontract_signed_id", "registry_techcontract", "signed_on, id"),
]

# COST 1000: evaluating it row by row is expensive; the planner should prefer its index.
SHORT_GRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION registry_short_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
    SELECT coalesce(array_agg(DISTINCT substr(value, i, width)), '{}')
    FROM generate_series(1, char_length(value)) AS i, (VALUES (1), (2)) AS widths(width)
    WHERE i + width - 1 <= char_length(value)
$$
"""


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL and does nothing elsewhere (SQLite)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class PostgresOnlyTrigramExtension(TrigramExtension):
    """pg_trgm; Django's operation skips other databases going forwards but not backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def text_search_indexes():
    for table, column in TEXT_SEARCH_COLUMNS:
        trigram, grams = f"{table}_{column}_trgm", f"{table}_{column}_grams"
        yield PostgresOnlySQL(
            f"CREATE INDEX {trigram} ON {table} USING gin (UPPER({column}) gin_trgm_ops)",
            f"DROP INDEX {trigram}",
        )
        yield PostgresOnlySQL(
            f"CREATE INDEX {grams} ON {table} USING gin (registry_short_grams(UPPER({column})))",
            f"DROP INDEX {grams}",
        )


def sort_indexes():
    for name, table, columns in SORT_INDEXES:
        yield PostgresOnlySQL(f"CREATE INDEX {name} ON {table} ({columns})", f"DROP INDEX {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_roles_scope")]

    operations = [
        PostgresOnlyTrigramExtension(),
        PostgresOnlySQL(SHORT_GRAMS_FUNCTION, "DROP FUNCTION registry_short_grams(text)"),
        *text_search_indexes(),
        *sort_indexes(),
    ]
