"""backup_registry and restore_registry: the manifest, retention, refusals, damaged archives and exit codes."""

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path
from unittest import mock

import dj_database_url
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import SimpleTestCase, TestCase, override_settings

from registry import schema
from registry.backup import archive as archive_module
from registry.backup.archive import archives_in, directory_lock
from registry.backup.database import describe, private_connection, tables, take_inventory
from registry.backup.postgres import ToolError

from .backup_support import ON_POSTGRES, file_checksums, manage, scratch_database

MEDIA_FILES = {"evidence/扫描件.pdf": os.urandom(50_000), "a.txt": b"hello", "empty.bin": b""}


def rewrite(source: Path, target: Path, manifest=None, members=None, extra=()) -> Path:
    """A copy of the archive `source` with the manifest edited by `manifest(dict)` and members replaced."""
    with tarfile.open(source) as old, tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as new:
        for member in old:
            data = old.extractfile(member).read()
            if member.name == "manifest.json" and manifest is not None:
                edited = json.loads(data)
                manifest(edited)
                data = json.dumps(edited).encode()
            elif members and member.name in members:
                data = members[member.name]
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
        for name, data in extra:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return target


class BackupCommandTests(TestCase):
    """Backups of the test database's committed state (its migrations and reference data)."""

    archive: Path
    folder: Path
    media: Path
    out: io.StringIO

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = Path(tempfile.mkdtemp())
        cls.media = cls.folder / "media"
        for name, data in MEDIA_FILES.items():
            (cls.media / name).parent.mkdir(parents=True, exist_ok=True)
            (cls.media / name).write_bytes(data)
        cls.out = io.StringIO()
        with override_settings(MEDIA_ROOT=cls.media):
            call_command("backup_registry", "--output", str(cls.folder / "backups"), stdout=cls.out)
        (cls.archive,) = archives_in(cls.folder / "backups")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        self.work = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)

    def restore(self, archive, *args):
        """call_command restore_registry: (exit code, output)."""
        out = io.StringIO()
        try:
            call_command("restore_registry", str(archive), *args, stdout=out, stderr=out)
        except CommandError as error:
            return error.returncode, str(error)
        return 0, out.getvalue()

    def test_the_manifest_records_time_version_migrations_counts_and_checksums(self):
        with tarfile.open(self.archive) as tar:
            names = tar.getnames()
            manifest = json.loads(tar.extractfile("manifest.json").read())
            database = tar.extractfile(manifest["database"]["file"]).read()
        self.assertEqual(names[-1], "manifest.json")
        self.assertEqual(manifest["database"]["vendor"], connection.vendor)
        self.assertRegex(manifest["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
        self.assertTrue(manifest["version"])
        with private_connection(connection.settings_dict) as committed:
            expected = take_inventory(committed)
        self.assertEqual(manifest["tables"], expected.tables)
        self.assertEqual([tuple(key) for key in manifest["migrations"]], expected.migrations)
        self.assertEqual(schema.compare(expected.migrations).pending, [])
        self.assertIn("registry_talent", manifest["tables"])
        self.assertIn("registry_historicaltalent", manifest["tables"])
        files = {name: entry["sha256"] for name, entry in manifest["files"].items()}
        self.assertEqual(files.pop(manifest["database"]["file"]), hashlib.sha256(database).hexdigest())
        self.assertEqual(files, {f"media/{name}": sha for name, sha in file_checksums(self.media).items()})
        self.assertEqual(os.stat(self.archive).st_mode & 0o777, 0o600)  # it holds personal data
        self.assertIn(f"文件 (files): {len(MEDIA_FILES)} 个", self.out.getvalue())

    def test_retention_keeps_the_newest_archives_and_removes_left_overs(self):
        output = self.work / "backups"
        output.mkdir()
        old = [output / f"registry-backup-2020010{day}-020000.tar" for day in (1, 2, 3)]
        for path in old:
            path.write_bytes(b"old")
        (output / "registry-backup-20200104-020000.tar.partial").write_bytes(b"interrupted")
        (output / "notes.txt").write_text("not an archive")
        with override_settings(MEDIA_ROOT=self.media, BACKUP_KEEP=2):
            call_command("backup_registry", "--output", str(output), stdout=io.StringIO())
        remaining = archives_in(output)
        self.assertEqual(len(remaining), 2)
        self.assertEqual(remaining[0], old[-1])
        self.assertFalse(list(output.glob("*.partial")))
        self.assertTrue((output / "notes.txt").exists())
        call_command("backup_registry", "--output", str(output), "--keep", "0", stdout=io.StringIO())
        self.assertEqual(len(archives_in(output)), 3)

    def test_a_failed_backup_leaves_no_archive(self):
        output = self.work / "backups"
        with (
            mock.patch("registry.backup.create.copy_database", side_effect=ToolError("pg_dump 失败 (failed)")),
            self.assertRaises(CommandError) as caught,
        ):
            call_command("backup_registry", "--output", str(output))
        self.assertIn("备份失败 (backup failed): pg_dump 失败", str(caught.exception))
        self.assertEqual([p.name for p in output.iterdir()], [archive_module.LOCK_FILE])

    def test_a_second_backup_into_the_same_folder_is_refused_while_one_runs(self):
        output = self.work / "backups"
        output.mkdir()
        with directory_lock(output), self.assertRaises(CommandError) as caught:
            call_command("backup_registry", "--output", str(output))
        self.assertIn("另一个备份正在写入此目录", str(caught.exception))

    def test_links_and_the_backup_folder_inside_media_are_not_archived(self):
        media = self.work / "media"
        media.mkdir()
        (media / "real.txt").write_text("x")
        (media / "passwd").symlink_to("/etc/passwd")
        (media / "elsewhere").symlink_to("/etc", target_is_directory=True)
        output = media / "backups"
        with override_settings(MEDIA_ROOT=media):
            call_command("backup_registry", "--output", str(output), stdout=io.StringIO())
            call_command("backup_registry", "--output", str(output), stdout=io.StringIO())
        with tarfile.open(archives_in(output)[-1]) as tar:
            names = [name for name in tar.getnames() if name.startswith("media/")]
        self.assertEqual(names, ["media/real.txt"])

    @mock.patch.dict(os.environ, {"PATH": "/nonexistent"})
    @mock.patch("registry.backup.postgres.DEBIAN_TOOLS", "/nonexistent/")
    def test_without_pg_dump_the_backup_says_what_to_install(self):
        if not ON_POSTGRES:
            self.skipTest("pg_dump is used on PostgreSQL only")
        with self.assertRaises(CommandError) as caught:
            call_command("backup_registry", "--output", str(self.work))
        self.assertIn("postgresql-client-", str(caught.exception))
        self.assertFalse(archives_in(self.work))

    def test_restore_refuses_a_database_that_is_not_empty(self):
        code, message = self.restore(self.archive)  # the test database itself
        self.assertEqual(code, 1)
        self.assertIn("目标数据库不为空", message)
        self.assertIn("--force", message)

    def test_restore_refuses_a_media_folder_that_is_not_empty(self):
        media = self.work / "media"
        (media / "sub").mkdir(parents=True)
        (media / "sub" / "keep.txt").write_text("mine")
        with scratch_database(self.work) as url:
            code, message = self.restore(self.archive, "--database-url", url, "--media-root", str(media))
            with private_connection(dj_database_url.parse(url)) as target:
                self.assertEqual(tables(target), [])
        self.assertEqual(code, 1)
        self.assertIn("媒体目录", message)
        self.assertIn("media/sub/keep.txt", message)

    def test_restore_refuses_another_database_vendor(self):
        other = "postgres://nobody@localhost/none" if not ON_POSTGRES else f"sqlite:///{self.work / 'x.sqlite3'}"
        code, message = self.restore(self.archive, "--database-url", other, "--media-root", str(self.work / "m"))
        self.assertEqual(code, 1)
        self.assertIn(f"归档来自 {connection.vendor}", message)

    def test_force_replaces_the_target_and_drops_tables_the_archive_lacks(self):
        media = self.work / "media"
        with scratch_database(self.work) as url:
            self.assertEqual(self.restore(self.archive, "--database-url", url, "--media-root", str(media))[0], 0)
            with private_connection(dj_database_url.parse(url)) as target, target.cursor() as cursor:
                cursor.execute("CREATE TABLE leftover (id integer)")
                cursor.execute("UPDATE registry_division SET name = name || '!'")
            (media / "mine.txt").write_text("left in place")
            code, output = self.restore(self.archive, "--database-url", url, "--media-root", str(media), "--force")
            with private_connection(dj_database_url.parse(url)) as target, target.cursor() as cursor:
                restored = take_inventory(target)
                cursor.execute("SELECT COUNT(*) FROM registry_division WHERE name LIKE '%!'")
                changed = cursor.fetchone()[0]
        self.assertEqual(code, 0, output)
        self.assertNotIn("leftover", restored.tables)
        self.assertEqual(changed, 0)
        with private_connection(connection.settings_dict) as committed:
            self.assertEqual(restored.tables, take_inventory(committed).tables)
        self.assertIn("另有 1 个归档之外的文件", output)
        self.assertEqual(set(file_checksums(media)), {*MEDIA_FILES, "mine.txt"})

    def test_a_damaged_file_is_refused_by_name_and_nothing_is_restored(self):
        damaged = rewrite(self.archive, self.work / "damaged.tar", members={"media/a.txt": b"hellO"})
        media = self.work / "media"
        with scratch_database(self.work) as url:
            code, message = self.restore(damaged, "--database-url", url, "--media-root", str(media))
            with private_connection(dj_database_url.parse(url)) as target:
                self.assertEqual(tables(target), [])
        self.assertEqual(code, 2)
        self.assertIn("校验和不符", message)
        self.assertIn("media/a.txt", message)
        self.assertEqual(file_checksums(media), {})
        self.assertEqual(self.restore(damaged, "--check")[0], 2)
        self.assertEqual(self.restore(self.archive, "--check"), (0, mock.ANY))

    def test_unusable_archives_exit_2(self):
        garbage = self.work / "garbage.tar"
        garbage.write_bytes(os.urandom(5000))
        truncated = self.work / "truncated.tar"
        truncated.write_bytes(self.archive.read_bytes()[:20_000])
        no_manifest = self.work / "no-manifest.tar"
        with tarfile.open(no_manifest, "w") as tar:
            tar.add(self.media / "a.txt", arcname="media/a.txt")

        def escape(manifest):
            manifest["files"]["../../etc/x"] = manifest["files"]["media/a.txt"]

        unsafe = rewrite(self.archive, self.work / "unsafe.tar", manifest=escape)
        unlisted = rewrite(self.archive, self.work / "unlisted.tar", extra=[("media/extra.txt", b"x")])
        newer = rewrite(self.archive, self.work / "newer.tar", manifest=lambda m: m.update(format=99))
        cases = {
            self.work / "missing.tar": "归档不存在",
            garbage: "不是备份归档",
            truncated: "损坏",
            no_manifest: "没有 manifest.json",
            unsafe: "不安全",
            unlisted: "清单之外",
            newer: "不受支持",
        }
        for path, words in cases.items():
            with self.subTest(archive=path.name):
                code, message = self.restore(path, "--check")
                self.assertEqual(code, 2, message)
                self.assertIn(words, message)

    def test_counts_that_differ_from_the_manifest_exit_3(self):
        def one_more_talent(manifest):
            manifest["tables"]["registry_talent"] += 1

        wrong = rewrite(self.archive, self.work / "wrong.tar", manifest=one_more_talent)
        with scratch_database(self.work) as url:
            code, message = self.restore(wrong, "--database-url", url, "--media-root", str(self.work / "media"))
        self.assertEqual(code, 3)
        self.assertIn("与清单不符", message)
        self.assertIn("registry_talent", message)
        self.assertEqual(file_checksums(self.work / "media"), {})  # files are placed only after the check

    def test_the_process_exit_status_of_a_damaged_archive_is_2(self):
        damaged = rewrite(self.archive, self.work / "damaged.tar", members={"media/a.txt": b"hellO"})
        with scratch_database(self.work) as url:
            result = manage("restore_registry", str(damaged), database=url, media_root=self.work / "media")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("归档不可用, 未恢复任何内容 (unusable archive, nothing restored)", result.stderr)
        self.assertIn("media/a.txt", result.stderr)
        self.assertFalse((self.work / "media").exists())

    def test_the_report_says_what_was_restored(self):
        media = self.work / "media"
        with scratch_database(self.work) as url:
            code, output = self.restore(self.archive, "--database-url", url, "--media-root", str(media), "-v", "2")
        self.assertEqual(code, 0, output)
        with tarfile.open(self.archive) as tar:
            manifest = json.loads(tar.extractfile("manifest.json").read())
        tables, rows = len(manifest["tables"]), sum(manifest["tables"].values())
        self.assertIn(f"已恢复 (restored) {self.archive.name}: 备份于 (taken at) {manifest['created_at']}", output)
        self.assertIn(f"{tables} 个表 (tables), {rows} 行 (rows), 与清单一致 (counts match the manifest)", output)
        self.assertIn(f"    registry_division: {manifest['tables']['registry_division']}", output)
        self.assertIn(f"{len(MEDIA_FILES)} 个, 48.8 KB, 校验和一致 (checksums match)", output)
        self.assertIn("迁移与代码一致 (migrations match the code)", output)
        self.assertEqual(file_checksums(media), file_checksums(self.media))


class DescribeTests(SimpleTestCase):
    def test_a_target_is_described_without_its_password(self):
        settings_dict = dj_database_url.parse("postgres://registry:s3cret-Pass@db.internal:5432/registry")
        self.assertEqual(describe(settings_dict), "PostgreSQL registry@db.internal:5432/registry")
        self.assertEqual(describe(dj_database_url.parse("sqlite:////srv/db.sqlite3")), "SQLite /srv/db.sqlite3")
