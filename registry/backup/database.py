"""The database side of backups: private connections, inventories, and the copy/load of each vendor."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from registry import schema

from .manifest import Inventory

PRIVATE_ALIAS = "registry_backup"
# A database's settings as in DATABASES, or as dj_database_url parses a DATABASE_URL.
Settings = Mapping[str, Any]


class RestoreRefused(Exception):
    """The target cannot take the archive (not empty, another vendor, in memory); nothing was written."""


class DatabaseCopy(NamedTuple):
    """A consistent copy of a database on disk, ready to go into an archive."""

    path: Path
    member: str  # its name in the archive
    vendor: str
    server_version: str
    inventory: Inventory  # of the copy itself, not of the live database a moment later


@contextmanager
def private_connection(settings_dict: Settings, alias: str = PRIVATE_ALIAS):
    """A Django connection of its own to the database `settings_dict` describes, as connections[alias] while open.

    Backups read their snapshot and restores write their target through it, so the shared
    connection's transaction (a request's, a test's) is never involved.
    """
    filled = connections.configure_settings({DEFAULT_DB_ALIAS: copy.deepcopy(dict(settings_dict))})
    wrapper = load_backend(filled[DEFAULT_DB_ALIAS]["ENGINE"]).DatabaseWrapper(filled[DEFAULT_DB_ALIAS], alias)
    connections[alias] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        del connections[alias]


def tables(connection) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def take_inventory(connection) -> Inventory:
    """Rows of every table and the applied migrations, read through `connection` (in its current snapshot)."""
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in tables(connection):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a quoted table name
            counts[table] = cursor.fetchone()[0]
    return Inventory(counts, schema.applied_migrations(connection))


def drop_tables(connection, names) -> None:
    """Drop the tables `names` (left-overs in a --force target that the archive does not have)."""
    quote = connection.ops.quote_name
    cascade = " CASCADE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"DROP TABLE IF EXISTS {quote(name)}{cascade}")


def describe(settings_dict: Settings) -> str:
    """Where a database is, without its password: a file for SQLite, user@host:port/name for PostgreSQL."""
    if "sqlite" in settings_dict["ENGINE"]:
        return f"SQLite {settings_dict['NAME']}"
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    user = f"{settings_dict['USER']}@" if settings_dict.get("USER") else ""
    return f"PostgreSQL {user}{host}{port}/{settings_dict['NAME']}"


def vendor_of(settings_dict: Settings) -> str:
    """connection.vendor for `settings_dict` without connecting."""
    engine = settings_dict["ENGINE"]
    return "sqlite" if "sqlite" in engine else "postgresql" if "postgres" in engine else engine.rsplit(".", 1)[-1]


def copy_database(connection, staging: Path) -> DatabaseCopy:
    """A consistent copy of `connection`'s database in `staging`, taken while the service keeps running."""
    from . import postgres, sqlite

    if connection.vendor == "postgresql":
        return postgres.dump(connection, staging)
    if connection.vendor == "sqlite":
        return sqlite.dump(connection, staging)
    raise RestoreRefused(f"不支持的数据库 (unsupported database): {connection.vendor}")


def load_database(settings_dict: Settings, vendor: str, path: Path, force: bool) -> None:
    """Write the copy at `path` (from an archive) into the database `settings_dict` describes."""
    from . import postgres, sqlite

    if vendor == "postgresql":
        postgres.restore(settings_dict, path, force)
    elif vendor == "sqlite":
        sqlite.restore(settings_dict, path)
    else:
        raise RestoreRefused(f"不支持的数据库 (unsupported database): {vendor}")
