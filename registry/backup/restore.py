"""Restoring an archive into an empty database and media folder, checked against the manifest.

Order: read the manifest; refuse a target of another vendor or one that holds tables or files
(unless forced); unpack every file into a staging folder next to the media folder, checking its
SHA-256; load the database; count every table of the restored database and compare with the
manifest; only then move the uploaded files into the media folder.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from registry import schema

from .archive import MEDIA, extract_verified, media_files, read_manifest
from .database import (
    RestoreRefused,
    Settings,
    describe,
    drop_tables,
    load_database,
    private_connection,
    tables,
    take_inventory,
    vendor_of,
)
from .manifest import Inventory, Manifest

MAX_NAMED = 5  # tables or files named in a refusal


class VerificationFailed(Exception):
    """The database was written but does not hold what the manifest says; do not use it."""


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    target: str  # the database, without password
    media_root: Path
    restored: Inventory
    files: int
    bytes: int
    files_left: int  # files already in the media folder that the archive does not have (--force)
    tables_dropped: list[str]  # tables of the target that the archive does not have (--force)
    migrations: schema.MigrationState  # of the restored database against this code


def named(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_NAMED])
    return shown + (f" … (+{len(items) - MAX_NAMED})" if len(items) > MAX_NAMED else "")


def check_target(manifest: Manifest, settings_dict: Settings, media_root: Path, force: bool) -> list[str]:
    """The media folder's present files; RestoreRefused if the target cannot take the archive."""
    vendor = vendor_of(settings_dict)
    if manifest.vendor != vendor:
        raise RestoreRefused(
            f"归档来自 {manifest.vendor}, 目标数据库是 {vendor}, 无法恢复 "
            f"(the archive holds a {manifest.vendor} database, the target is {vendor})"
        )
    with private_connection(settings_dict) as target:
        present = tables(target)
    if present and not force:
        raise RestoreRefused(
            f"目标数据库不为空, 有 {len(present)} 个表: {named(present)}; 确认要覆盖请加 --force "
            f"(the target database is not empty; --force replaces it): {describe(settings_dict)}"
        )
    files = [member for member, _path in media_files(media_root)]
    if files and not force:
        raise RestoreRefused(
            f"媒体目录 {media_root} 不为空, 有 {len(files)} 个文件: {named(files)}; 确认要覆盖请加 --force "
            f"(the media folder is not empty; --force writes into it)"
        )
    return files


def restore_archive(archive: Path, settings_dict: Settings, media_root: Path, force: bool = False) -> RestoreReport:
    manifest = read_manifest(archive)
    present_files = check_target(manifest, settings_dict, media_root, force)
    # Staged next to the media folder, so the files are moved into it, not copied again.
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".registry-restore-", dir=media_root.parent) as staging:
        staged = extract_verified(archive, manifest, Path(staging))
        load_database(settings_dict, manifest.vendor, staged[manifest.database_file], force)
        with private_connection(settings_dict) as target:
            extra = [table for table in tables(target) if table not in manifest.inventory.tables]
            if extra:
                drop_tables(target, extra)
            restored = take_inventory(target)
        differences = manifest.inventory.differences(restored)
        if differences:
            raise VerificationFailed(
                f"数据库已写入, 但与清单不符, 请勿使用 (the restored database differs from the manifest): "
                f"{named(differences)}"
            )
        uploaded = manifest.uploaded_files
        media_root.mkdir(exist_ok=True)
        for member in uploaded:
            destination = media_root.joinpath(*PurePosixPath(member).relative_to(MEDIA).parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged[member], destination)
    return RestoreReport(
        manifest=manifest,
        target=describe(settings_dict),
        media_root=media_root,
        restored=restored,
        files=len(uploaded),
        bytes=sum(entry.size for entry in uploaded.values()),
        files_left=len(set(present_files) - set(uploaded)),
        tables_dropped=extra,
        migrations=schema.compare(restored.migrations),
    )


def verify_archive(archive: Path) -> Manifest:
    """Check every file of the archive against the manifest without restoring anything (copies kept elsewhere)."""
    manifest = read_manifest(archive)
    with tempfile.TemporaryDirectory(prefix=".registry-check-") as staging:
        extract_verified(archive, manifest, Path(staging))
    return manifest
