"""The manifest of a backup archive: when and from what it was taken, and what must come back.

It is the archive's `manifest.json`: format, time, code version, database vendor and server version,
the applied migrations and the row count of every table at the moment of the copy, and the size and
SHA-256 of every file in the archive (the database copy and each uploaded file).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings

FORMAT = 1
NAME = "manifest.json"
CHUNK = 1024 * 1024


class ManifestError(ValueError):
    """The manifest is missing, unreadable or from an unknown format."""


@dataclass(frozen=True)
class Inventory:
    """One database state: rows per table and the migrations applied, in order."""

    tables: dict[str, int]
    migrations: list[tuple[str, str]]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def differences(self, other: Inventory) -> list[str]:
        """Human-readable lines where `other` differs from this inventory (expected: self)."""
        lines = [
            f"{table}: {self.tables.get(table, '-')} → {other.tables.get(table, '-')}"
            for table in sorted(set(self.tables) | set(other.tables))
            if self.tables.get(table) != other.tables.get(table)
        ]
        if self.migrations != other.migrations:
            lines.append(f"django_migrations: {len(self.migrations)} → {len(other.migrations)}")
        return lines


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    created_at: str  # ISO 8601, local time with offset
    version: str  # the code's `git describe`, or "unknown"
    django_version: str
    vendor: str  # connection.vendor: "sqlite" or "postgresql"
    server_version: str
    database_file: str  # archive member holding the database copy
    inventory: Inventory
    files: dict[str, FileEntry]  # archive member -> checksum, the database copy included
    format: int = FORMAT

    @property
    def uploaded_files(self) -> dict[str, FileEntry]:
        return {name: entry for name, entry in self.files.items() if name != self.database_file}

    def to_json(self) -> bytes:
        data = {
            "format": self.format,
            "created_at": self.created_at,
            "version": self.version,
            "django": self.django_version,
            "database": {"vendor": self.vendor, "server_version": self.server_version, "file": self.database_file},
            "migrations": [list(key) for key in self.inventory.migrations],
            "tables": self.inventory.tables,
            "files": {name: {"sha256": e.sha256, "size": e.size} for name, e in sorted(self.files.items())},
        }
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw.decode("utf-8"))
            if data.get("format") != FORMAT:
                raise ManifestError(f"清单格式 {data.get('format')!r} 不受支持 (unsupported manifest format)")
            database = data["database"]
            return cls(
                created_at=str(data["created_at"]),
                version=str(data["version"]),
                django_version=str(data["django"]),
                vendor=str(database["vendor"]),
                server_version=str(database["server_version"]),
                database_file=str(database["file"]),
                inventory=Inventory(
                    tables={str(table): int(count) for table, count in data["tables"].items()},
                    migrations=[(str(app), str(name)) for app, name in data["migrations"]],
                ),
                files={
                    str(name): FileEntry(str(entry["sha256"]), int(entry["size"]))
                    for name, entry in data["files"].items()
                },
            )
        except ManifestError:
            raise
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise ManifestError(f"清单无法读取 (unreadable manifest): {error}") from None


def sha256_of(path: Path) -> FileEntry:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileEntry(digest.hexdigest(), size)


def code_version() -> str:
    """`git describe` of the checkout the code runs from, or "unknown" outside a git checkout."""
    try:
        result = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "describe", "--tags", "--always", "--dirty"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "unknown"


def django_version() -> str:
    return django.get_version()
