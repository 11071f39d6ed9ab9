"""SQLite: a copy with the online backup API while the server runs, and the same API to load one back."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path

from django.db import DatabaseError

from .database import DatabaseCopy, RestoreRefused, Settings, private_connection, take_inventory

MEMBER = "database/registry.sqlite3.gz"
ENGINE = "django.db.backends.sqlite3"
GZIP_LEVEL = 6  # most of the gain of 9 at a third of the time
BUSY_SECONDS = 30.0


def dump(connection, staging: Path) -> DatabaseCopy:
    copy = staging / "registry.sqlite3"
    connection.ensure_connection()
    destination = sqlite3.connect(copy)
    try:
        # In one step the source is read in one read transaction, so the copy is one consistent
        # state (writers wait for it, or go on under WAL); a copy in several steps starts over
        # whenever another process writes.
        connection.connection.backup(destination)
    except sqlite3.Error as error:
        raise DatabaseError(f"SQLite: {error}") from error
    finally:
        destination.close()
    with private_connection({"ENGINE": ENGINE, "NAME": str(copy)}) as private:
        inventory = take_inventory(private)
    packed = staging / "registry.sqlite3.gz"
    with copy.open("rb") as source, gzip.open(packed, "wb", compresslevel=GZIP_LEVEL) as target:
        shutil.copyfileobj(source, target, 1024 * 1024)
    copy.unlink()
    return DatabaseCopy(packed, MEMBER, "sqlite", sqlite3.sqlite_version, inventory)


def is_in_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


def restore(settings_dict: Settings, packed: Path) -> None:
    """Replace the target database's contents by the copy (every page, so --force leaves nothing else)."""
    name = str(settings_dict["NAME"])
    if is_in_memory(name):
        raise RestoreRefused(f"目标是内存数据库, 恢复后即丢失 (the target is an in-memory database): {name}")
    unpacked = packed.with_suffix("")
    with gzip.open(packed, "rb") as source, unpacked.open("wb") as target:
        shutil.copyfileobj(source, target, 1024 * 1024)
    if not name.startswith("file:"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    source_db = sqlite3.connect(unpacked)
    try:
        target_db = sqlite3.connect(name, timeout=BUSY_SECONDS, uri=name.startswith("file:"))
    except sqlite3.Error as error:
        source_db.close()
        raise DatabaseError(f"SQLite {name}: {error}") from error
    try:
        source_db.backup(target_db)
    except sqlite3.Error as error:
        raise DatabaseError(f"SQLite {name}: {error}") from error
    finally:
        target_db.close()
        source_db.close()
    unpacked.unlink()
