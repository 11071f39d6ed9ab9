"""Backup archives on disk: one tar per backup, checksummed file by file, and the retention of old ones.

An archive is an uncompressed tar (the database copy is compressed by itself; uploaded files are
mostly compressed formats already) named registry-backup-YYYYMMDD-HHMMSS.tar after the local time
it was taken. It holds the database copy under database/, every file of MEDIA_ROOT under media/,
and manifest.json last. It is written as NAME.partial and renamed when complete, so an archive
with the final name is always whole. Reading never trusts member names: only the regular files
the manifest lists, under database/ or media/, are written, each checked against its SHA-256.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path, PurePosixPath

from .manifest import CHUNK, NAME, FileEntry, Manifest, ManifestError

PREFIX = "registry-backup-"
SUFFIX = ".tar"
PARTIAL = ".partial"
MEDIA = "media"
TOP_LEVELS = ("database", MEDIA)
ARCHIVE_NAME = re.compile(r"registry-backup-(\d{8}-\d{6})(?:-(\d+))?\.tar")
LOCK_FILE = ".backup.lock"


class ArchiveError(Exception):
    """The archive is missing, damaged or not a registry backup."""


class HashingReader:
    """A file object that computes the SHA-256 of what is read through it (tarfile reads the member once)."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def archive_path(directory: Path, moment: datetime) -> Path:
    """A name for an archive taken at `moment` that no archive in `directory` has yet."""
    stamp = f"{moment:%Y%m%d-%H%M%S}"
    path = directory / f"{PREFIX}{stamp}{SUFFIX}"
    counter = 1
    while path.exists() or path.with_name(path.name + PARTIAL).exists():
        counter += 1
        path = directory / f"{PREFIX}{stamp}-{counter}{SUFFIX}"
    return path


def archives_in(directory: Path) -> list[Path]:
    """The complete archives in `directory`, oldest first."""

    found = [(ARCHIVE_NAME.fullmatch(path.name), path) for path in directory.glob(f"{PREFIX}*{SUFFIX}")]
    return [path for _stamp, _counter, path in sorted((m.group(1), int(m.group(2) or 1), p) for m, p in found if m)]


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest archives (keep <= 0 keeps all); the deleted paths."""
    if keep <= 0:
        return []
    old = archives_in(directory)[:-keep]
    for path in old:
        path.unlink()
    return old


@contextmanager
def directory_lock(directory: Path):
    """One backup at a time per directory; left-overs of an interrupted one are removed under the lock."""
    with (directory / LOCK_FILE).open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ArchiveError(f"另一个备份正在写入此目录 (another backup is running in {directory})") from None
        for partial in directory.glob(f"{PREFIX}*{SUFFIX}{PARTIAL}"):
            partial.unlink()
        for staging in directory.glob(".staging-*"):
            shutil.rmtree(staging, ignore_errors=True)
        yield


def media_files(root: Path, exclude: Path | None = None) -> Iterator[tuple[str, Path]]:
    """(member name, path) of every regular file under `root`, sorted; symbolic links are not followed."""
    if not root.is_dir():
        return
    for directory, subdirectories, names in os.walk(root):
        here = Path(directory)
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not (here / name).is_symlink() and (exclude is None or (here / name).resolve() != exclude.resolve())
        )
        for name in sorted(names):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield f"{MEDIA}/{path.relative_to(root).as_posix()}", path


class ArchiveWriter:
    """Writes an archive member by member, recording each member's size and SHA-256."""

    def __init__(self, path: Path):
        self.path = path
        self.handle = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        self.tar = tarfile.open(fileobj=self.handle, mode="w", format=tarfile.PAX_FORMAT)
        self.files: dict[str, FileEntry] = {}

    def add_file(self, member: str, source: Path) -> None:
        with source.open("rb") as handle:
            info = self._info(member, os.fstat(handle.fileno()))
            reader = HashingReader(handle)
            self.tar.addfile(info, reader)
        self.files[member] = FileEntry(reader.digest.hexdigest(), info.size)

    def add_manifest(self, manifest: Manifest) -> None:
        data = manifest.to_json()
        info = tarfile.TarInfo(NAME)
        info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now().timestamp())
        self.tar.addfile(info, _BytesReader(data))

    def close(self) -> None:
        """Finish the tar and make it durable before it is renamed."""
        self.tar.close()
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()

    def abandon(self) -> None:
        """Close and delete an archive that cannot be finished."""
        self.handle.close()
        self.path.unlink(missing_ok=True)

    @staticmethod
    def _info(member: str, stat: os.stat_result) -> tarfile.TarInfo:
        info = tarfile.TarInfo(member)
        info.size, info.mode, info.mtime = stat.st_size, 0o600, int(stat.st_mtime)
        return info


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size=-1):
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset : end], min(end, len(self.data))
        return chunk


def safe_member(name: str) -> PurePosixPath:
    """The member's relative path if it may be written (under database/ or media/, no '..'); else ArchiveError."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or len(path.parts) < 2 or path.parts[0] not in TOP_LEVELS:
        raise ArchiveError(f"归档中的文件名不安全 (unsafe file name in the archive): {name!r}")
    return path


@contextmanager
def open_archive(path: Path):
    try:
        tar = tarfile.open(path, "r:")
    except FileNotFoundError:
        raise ArchiveError(f"归档不存在 (no such archive): {path}") from None
    except (tarfile.TarError, OSError) as error:
        raise ArchiveError(f"不是备份归档或已损坏 (not a backup archive, or damaged): {path}: {error}") from None
    try:
        yield tar
    except (tarfile.TarError, EOFError) as error:
        raise ArchiveError(f"归档已损坏 (damaged archive): {path}: {error}") from None
    finally:
        tar.close()


def read_manifest(path: Path) -> Manifest:
    """The archive's manifest, its file names checked; ArchiveError if there is none or it is unusable."""
    with open_archive(path) as tar:
        try:
            member = tar.getmember(NAME)
        except KeyError:
            raise ArchiveError(f"归档中没有 {NAME}, 不是登记系统的备份 (not a registry backup): {path}") from None
        handle = tar.extractfile(member)
        if handle is None:
            raise ArchiveError(f"{NAME} 不是普通文件 (not a regular file): {path}")
        try:
            manifest = Manifest.from_json(handle.read())
        except ManifestError as error:
            raise ArchiveError(f"{path}: {error}") from None
    for name in manifest.files:
        safe_member(name)
    if manifest.database_file not in manifest.files:
        raise ArchiveError(f"清单未列出数据库文件 (the manifest lists no database copy): {path}")
    return manifest


def extract_verified(path: Path, manifest: Manifest, staging: Path) -> dict[str, Path]:
    """Write every file of the archive under `staging`, each checked against the manifest: member -> path.

    Raises ArchiveError naming the first file whose size or SHA-256 differs, that the manifest does
    not list, or that the archive lacks.
    """
    written: dict[str, Path] = {}
    with open_archive(path) as tar:
        for member in tar:
            if member.name == NAME:
                continue
            expected = manifest.files.get(member.name)
            if expected is None or not member.isreg():
                raise ArchiveError(f"归档中有清单之外的内容 (not in the manifest): {member.name!r}")
            target = staging.joinpath(*safe_member(member.name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            reader = HashingReader(tar.extractfile(member))
            with target.open("wb") as handle:
                shutil.copyfileobj(reader, handle, CHUNK)
            if FileEntry(reader.digest.hexdigest(), target.stat().st_size) != expected:
                raise ArchiveError(f"校验和不符, 文件已损坏 (checksum mismatch): {member.name}")
            written[member.name] = target
    missing = sorted(set(manifest.files) - set(written))
    if missing:
        raise ArchiveError(f"归档缺少 {len(missing)} 个文件 (missing from the archive), 例如 {missing[0]}")
    return written
