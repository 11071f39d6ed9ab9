"""Identity numbers are searched by exact value only (and only by users allowed to see them), which
the unique index serves: the substring indexes of migration 0006 on the column cost every insert a
trigram and a short-grams entry for nothing (PostgreSQL only)."""

import importlib

from django.db import migrations

scale = importlib.import_module("registry.migrations.0006_scale_indexes")
TABLE, COLUMN = "registry_talent", "id_number"


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_talent_name_composite_index_only")]

    operations = [
        scale.PostgresOnlySQL(
            f"DROP INDEX IF EXISTS {TABLE}_{COLUMN}_trgm",
            f"CREATE INDEX {TABLE}_{COLUMN}_trgm ON {TABLE} USING gin (UPPER({COLUMN}) gin_trgm_ops)",
        ),
        scale.PostgresOnlySQL(
            f"DROP INDEX IF EXISTS {TABLE}_{COLUMN}_grams",
            f"CREATE INDEX {TABLE}_{COLUMN}_grams ON {TABLE} USING gin (registry_short_grams(UPPER({COLUMN})))",
        ),
    ]
