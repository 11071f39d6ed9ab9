"""A backup taken while an import is being applied restores consistently: the import is wholly in it or
wholly absent, never in part. The import runs in another process with its own connection and holds its
transaction open while the backup runs (on SQLite against a file copy of the test database, which two
processes can share); the backup runs here through a connection of its own."""

import io
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import dj_database_url
from django.core.management import call_command
from django.test import TransactionTestCase

from registry.backup import postgres
from registry.backup.archive import archives_in
from registry.backup.create import take_backup
from registry.backup.database import private_connection, take_inventory
from registry.models import Organization

from .backup_support import (
    ON_POSTGRES,
    ROOT,
    file_copy_of_test_database,
    live_database_url,
    manage_environment,
    reload_reference_data,
    scratch_database,
)
from .impexp_support import csv_text

IMPORTED = 40
# Applies the import inside a transaction, says so, and commits only when told (a line on stdin).
HOLD_IMPORT = """
import os, sys
from django.core.management import call_command
from django.db import transaction
with transaction.atomic():
    call_command("import_records", "talent", os.environ["IMPORT_FILE"])
    print("applied", flush=True)
    sys.stdin.readline()
print("committed", flush=True)
"""


class ImportInAnotherProcess:
    """An import applied by another process that keeps its transaction open until commit() is called."""

    def __init__(self, database: str, file: Path):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", HOLD_IMPORT],
            cwd=ROOT,
            env=manage_environment(database, IMPORT_FILE=str(file)),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.wait_for("applied")

    def wait_for(self, word: str) -> None:
        for line in self.process.stdout:
            if line.strip() == word:
                return
        raise AssertionError(f"the import process ended before {word!r}: {self.process.stderr.read()}")

    def commit(self) -> None:
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        self.wait_for("committed")
        self.process.wait(timeout=60)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()


class BackupDuringImportTests(TransactionTestCase):
    def setUp(self):
        reload_reference_data()
        Organization.objects.create(name="内蒙古大学")
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.media = self.folder / "media"
        self.media.mkdir()
        self.file = self.folder / "talents.csv"
        rows = [["姓名", "工作单位"]] + [[f"测试人才{n:03d}", "内蒙古大学"] for n in range(IMPORTED)]
        self.file.write_text(csv_text(rows), encoding="utf-8")
        self.live = live_database_url() if ON_POSTGRES else file_copy_of_test_database(self.folder / "live.sqlite3")

    def start_import(self) -> ImportInAnotherProcess:
        holder = ImportInAnotherProcess(self.live, self.file)
        self.addCleanup(holder.stop)
        return holder

    def backup_of_live(self, output: Path) -> Path:
        """A backup through a connection of its own to the live database (a file that both processes share)."""
        with private_connection(dj_database_url.parse(self.live), alias="live"):
            return take_backup(output, keep=0, media_root=self.media, alias="live").path

    def restored_counts(self, archive: Path) -> dict[str, int]:
        """Restore `archive` into a scratch database (checked against its manifest) and count its tables."""
        with scratch_database(self.folder) as url:
            media = self.folder / f"restored-{archive.stem}"
            target = ("--database-url", url, "--media-root", str(media))
            call_command("restore_registry", str(archive), *target, stdout=io.StringIO())
            with private_connection(dj_database_url.parse(url)) as target:
                return take_inventory(target).tables

    def assert_import(self, counts: dict[str, int], present: bool) -> None:
        expected = IMPORTED if present else 0
        self.assertEqual(counts["registry_talent"], expected)
        self.assertEqual(counts["registry_historicaltalent"], expected)
        self.assertEqual(counts["registry_auditevent"], 1 if present else 0)

    def test_a_backup_during_an_import_has_none_of_it_and_one_after_has_all_of_it(self):
        holder = self.start_import()
        during = self.backup_of_live(self.folder / "during")
        holder.commit()
        after = self.backup_of_live(self.folder / "after")
        with private_connection(dj_database_url.parse(self.live)) as live:
            self.assert_import(take_inventory(live).tables, present=True)  # the import did commit
        self.assert_import(self.restored_counts(during), present=False)
        self.assert_import(self.restored_counts(after), present=True)

    @unittest.skipUnless(ON_POSTGRES, "pg_dump's exported snapshot")
    def test_an_import_committing_while_pg_dump_starts_is_absent_from_dump_and_counts(self):
        holder = self.start_import()
        real_pg_dump = postgres.run_pg_dump

        def commit_first(*args):
            # The snapshot is exported and counted; the import commits before pg_dump even starts.
            holder.commit()
            real_pg_dump(*args)

        with mock.patch.object(postgres, "run_pg_dump", commit_first):
            call_command("backup_registry", "--output", str(self.folder / "backups"), stdout=io.StringIO())
        self.assertEqual(holder.process.returncode, 0)
        (archive,) = archives_in(self.folder / "backups")
        self.assert_import(self.restored_counts(archive), present=False)
