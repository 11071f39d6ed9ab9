"""Taking a backup: the database copy, then the uploaded files, then the manifest, in one dated archive.

The database is copied first: a file uploaded after the copy is an unreferenced extra in the
archive, never a record whose file is missing (Django does not delete files with their records).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from .archive import PARTIAL, ArchiveWriter, archive_path, directory_lock, media_files, prune
from .database import copy_database
from .manifest import Manifest, code_version, django_version


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    removed: list[Path]  # older archives deleted by the retention setting


def take_backup(output: Path, keep: int, media_root: Path | None = None, alias: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write a new archive of the database `alias` and of `media_root` (MEDIA_ROOT) into `output`."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    output.mkdir(mode=0o700, parents=True, exist_ok=True)
    with directory_lock(output):
        moment = timezone.localtime()
        path = archive_path(output, moment)
        partial = path.with_name(path.name + PARTIAL)
        with tempfile.TemporaryDirectory(prefix=".staging-", dir=output) as staging:
            database = copy_database(connections[alias], Path(staging))
            writer = ArchiveWriter(partial)
            try:
                writer.add_file(database.member, database.path)
                for member, source in media_files(media_root, exclude=output):
                    writer.add_file(member, source)
                manifest = Manifest(
                    created_at=moment.isoformat(timespec="seconds"),
                    version=code_version(),
                    django_version=django_version(),
                    vendor=database.vendor,
                    server_version=database.server_version,
                    database_file=database.member,
                    inventory=database.inventory,
                    files=dict(writer.files),
                )
                writer.add_manifest(manifest)
                writer.close()
            except BaseException:
                writer.abandon()
                raise
        os.replace(partial, path)
        removed = prune(output, keep)
    return BackupResult(path, manifest, removed)
