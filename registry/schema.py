"""Which migrations the code has, which a database has applied, and what is pending between them.

Used by /healthz (registry.health) and by backups (registry.backup), which record the migration state
of the database they copy and compare it with the code when they restore it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from django.db.migrations.loader import MigrationLoader

Key = tuple[str, str]  # (app label, migration name)
MIGRATIONS_TABLE = "django_migrations"


class MigrationState(NamedTuple):
    """How a database's applied migrations compare with the code's."""

    pending: list[Key]  # in the code, not applied
    unknown: list[Key]  # applied, not in the code (the database is newer than the code)


@lru_cache(maxsize=1)
def code_migrations() -> dict[Key, tuple[Key, ...]]:
    """Every migration of the code, with the migrations it replaces (squashes); read from disk once per process."""
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    return {key: tuple(migration.replaces or ()) for key, migration in loader.disk_migrations.items()}


def applied_migrations(connection) -> list[Key]:
    """(app, name) of every migration recorded in `connection`'s database, in the order applied; [] if none."""
    with connection.cursor() as cursor:
        if MIGRATIONS_TABLE not in connection.introspection.table_names(cursor):
            return []
        cursor.execute(f"SELECT app, name FROM {MIGRATIONS_TABLE} ORDER BY id")  # noqa: S608 - a constant name
        return [(app, name) for app, name in cursor.fetchall()]


def compare(applied) -> MigrationState:
    """Pending and unknown migrations of a database whose applied migrations are `applied`."""
    done = set(applied)
    code = code_migrations()
    replaced = {old for olds in code.values() for old in olds}
    pending = [
        key
        for key, replaces in sorted(code.items())
        if key not in done and key not in replaced and not (replaces and done.issuperset(replaces))
    ]
    known_apps = {app for app, _name in code}
    unknown = [key for key in applied if key not in code and key not in replaced and key[0] in known_apps]
    return MigrationState(pending, unknown)
