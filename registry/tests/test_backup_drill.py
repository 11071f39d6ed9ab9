"""The restore drill: a registry with the article fixtures, history, an import, a district-scoped clerk and
uploaded files is backed up, restored into a fresh database and media folder, and compared table by table,
file by file and admin page by admin page."""

import io
import os
import shutil
import tempfile
from pathlib import Path

import dj_database_url
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.urls import reverse

from registry import review, roles
from registry.backup.archive import archives_in
from registry.backup.database import private_connection, take_inventory
from registry.models import AuditEvent, Division, Organization, Talent

from .backup_support import (
    file_checksums,
    make_staff,
    reload_reference_data,
    render_pages,
    render_pages_elsewhere,
    scratch_database,
)
from .impexp_support import csv_text

# Uploaded files of every shape: nested folders, Chinese names, binary, empty, a name with spaces.
MEDIA_FILES = {
    "evidence/2024/合同扫描件.pdf": os.urandom(300_000),
    "evidence/2024/证明 材料.txt": "赛罕区科技公司 证明".encode(),
    "photos/talent-1.jpg": os.urandom(20_000),
    "empty.bin": b"",
    "deep/a/b/c/d/note.md": b"# note\n",
}


def write_media(root: Path) -> None:
    for name, data in MEDIA_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


class RestoreDrillTests(TransactionTestCase):
    def setUp(self):
        reload_reference_data()
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.media = self.folder / "media"
        write_media(self.media)
        media = override_settings(MEDIA_ROOT=self.media)
        media.enable()
        self.addCleanup(media.disable)
        call_command("loaddata", "articles", verbosity=0)
        self.make_history()
        self.import_talents()
        make_staff("drill_admin", superuser=True)
        make_staff("saihan_clerk", roles.DATA_ENTRY, divisions=[Division.objects.get(code="150105")])

    def make_history(self):
        talent = Talent.objects.get(name="李劫")
        # The article fixtures are approved (read-only): a reviewer reopens the record to correct it.
        review.reopen(talent, make_staff("drill_reviewer", roles.REVIEWER), "更正职务")
        talent.position = "研发平台总监（兼）"
        talent.save()
        Talent.objects.create(name="临时记录").delete()

    def import_talents(self):
        Organization.objects.create(name="赛罕区科技公司", division=Division.objects.get(code="150105"))
        path = self.folder / "talents.csv"
        rows = [["姓名", "工作单位"]] + [[name, "赛罕区科技公司"] for name in ("王芳", "张伟", "刘洋")]
        path.write_text(csv_text(rows), encoding="utf-8")
        call_command("import_records", "talent", str(path), stdout=io.StringIO())

    def pages(self):
        li_jie = Talent.objects.get(name="李劫").pk
        wang_fang = Talent.objects.get(name="王芳").pk
        talents = reverse("admin:registry_talent_changelist")
        return [
            ("drill_admin", reverse("admin:index")),
            ("drill_admin", talents),
            ("drill_admin", reverse("admin:registry_talent_change", args=[li_jie])),
            ("drill_admin", reverse("admin:registry_talent_history", args=[li_jie])),
            ("drill_admin", reverse("admin:registry_auditevent_changelist")),
            ("saihan_clerk", talents),
            ("saihan_clerk", reverse("admin:registry_talent_change", args=[wang_fang])),
            ("saihan_clerk", reverse("admin:registry_talent_change", args=[li_jie])),
            ("drill_reviewer", reverse("admin:registry_organization_changelist")),
        ]

    def test_a_backup_restores_into_a_fresh_database_and_media_folder(self):
        out = io.StringIO()
        call_command("backup_registry", "--output", str(self.folder / "backups"), stdout=out)
        (archive,) = archives_in(self.folder / "backups")
        source = take_inventory(connection)
        expected_pages = render_pages(self.pages())
        restored_media = self.folder / "restored-media"
        with scratch_database(self.folder) as url:
            target = ("--database-url", url, "--media-root", str(restored_media))
            call_command("restore_registry", str(archive), *target, stdout=out)
            with private_connection(dj_database_url.parse(url)) as target:
                restored = take_inventory(target)
            pages = render_pages_elsewhere(self.pages(), url, restored_media)

        # Every table, registry and history ones included, holds as many rows as the original.
        self.assertEqual(restored.tables, source.tables)
        self.assertEqual(restored.migrations, source.migrations)
        for table, at_least in {
            "registry_talent": 31,
            "registry_historicaltalent": 5,  # the change, the created-and-deleted record, three imported
            "registry_citation": 245,
            "registry_staffscope": 1,
            "registry_auditevent": 1,
        }.items():
            self.assertGreaterEqual(restored.tables[table], at_least, table)
        self.assertEqual(AuditEvent.objects.filter(kind="import").count(), 1)
        # Every uploaded file, byte for byte.
        self.assertEqual(file_checksums(restored_media), file_checksums(self.media))
        self.assertEqual(len(file_checksums(restored_media)), len(MEDIA_FILES))
        # The same admin pages, for an administrator, a district-scoped clerk and a reviewer.
        self.assertEqual([status for status, _text in pages], [status for status, _text in expected_pages])
        for (user, path), (status, text), (_status, expected) in zip(self.pages(), pages, expected_pages):
            with self.subTest(user=user, path=path, status=status):
                self.assertEqual(text, expected)
        clerk_list = "\n".join(pages[5][1])
        self.assertIn("王芳", clerk_list)
        self.assertNotIn("李劫", clerk_list)  # the clerk sees only 赛罕区's records, also after the restore
        self.assertIn(f"{len(source.tables)} 个表 (tables), {source.rows} 行 (rows), 与清单一致", out.getvalue())
        self.assertIn(f"{len(MEDIA_FILES)} 个", out.getvalue())
