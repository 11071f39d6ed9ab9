"""Covering indexes for the dashboard's GROUP BY queries on PostgreSQL.

With a million talents, "talents by tier and introduction mode" read from a narrow index
(index-only scan) instead of the whole talent table; contracts by type and year likewise read
type, date and both amounts from one index. They serve only these aggregates, so they are created
in SQL on PostgreSQL and left out of the model state (other databases do not need them).
"""

from django.db import migrations

INDEXES = [
    (
        "registry_talent_dashboard_counts",
        "registry_talent (tier_id, introduction_mode)",
    ),
    (
        "registry_contract_dashboard_counts",
        "registry_techcontract (contract_type_id, signed_on) INCLUDE (contract_amount, transaction_amount)",
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, target in INDEXES:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _target in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_admin_constraints")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
