"""Restore a backup archive into an empty database and media folder, checked against its manifest.

Exit status: 0 restored and checked; 1 refused or failed before anything was written (target not
empty, another database vendor, no connection, pg_restore failed in its single transaction);
2 unusable archive (missing, damaged, a checksum that differs), nothing written; 3 the database
was written but its row counts differ from the manifest (do not use it).
"""

from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from registry.backup.archive import ArchiveError
from registry.backup.database import RestoreRefused
from registry.backup.postgres import ToolError
from registry.backup.restore import VerificationFailed, restore_archive, verify_archive
from registry.management.commands.backup_registry import size_text

REFUSED, UNUSABLE_ARCHIVE, DIFFERS = 1, 2, 3


class Command(BaseCommand):
    help = "Restore an archive of backup_registry into an empty database and media folder, and check it."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a registry-backup-*.tar file")
        parser.add_argument("--database-url", metavar="URL", help="target database (default: the configured one)")
        parser.add_argument("--media-root", metavar="DIR", help="target folder of uploaded files (default: MEDIA_ROOT)")
        parser.add_argument("--force", action="store_true", help="replace a target that is not empty")
        parser.add_argument("--check", action="store_true", help="only check the archive's checksums; restore nothing")

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        try:
            if options["check"]:
                return self.report_check(archive)
            target = self.target(options["database_url"])
            media_root = Path(options["media_root"] or settings.MEDIA_ROOT)
            report = restore_archive(archive, target, media_root, options["force"])
        except ArchiveError as error:
            raise CommandError(
                f"归档不可用, 未恢复任何内容 (unusable archive, nothing restored): {error}", returncode=UNUSABLE_ARCHIVE
            ) from None
        except (RestoreRefused, ToolError) as error:
            raise CommandError(f"未恢复 (not restored): {error}", returncode=REFUSED) from None
        except DatabaseError as error:
            message = f"无法使用目标数据库 (cannot use the target database): {error}"
            raise CommandError(message, returncode=REFUSED) from None
        except VerificationFailed as error:
            raise CommandError(str(error), returncode=DIFFERS) from None
        self.report(archive, report, options["verbosity"])

    def target(self, url):
        if not url:
            return connections[DEFAULT_DB_ALIAS].settings_dict
        try:
            return dj_database_url.parse(url)
        except ValueError as error:
            raise CommandError(f"--database-url 无法识别 (not understood): {error}", returncode=REFUSED) from None

    def report_check(self, archive):
        manifest = verify_archive(archive)
        self.stdout.write(
            self.style.SUCCESS(
                f"归档完好 (archive intact): {archive.name}, {len(manifest.files)} 个文件的校验和一致 (checksums match)"
            )
        )

    def report(self, archive, report, verbosity):
        manifest, restored = report.manifest, report.restored
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复 (restored) {archive.name}: 备份于 (taken at) {manifest.created_at}, "
                f"版本 (version) {manifest.version}"
            )
        )
        self.stdout.write(
            f"  数据库 (database) → {report.target}: {len(restored.tables)} 个表 (tables), {restored.rows} 行 (rows), "
            f"与清单一致 (counts match the manifest)"
        )
        if verbosity > 1:
            for table, count in sorted(restored.tables.items()):
                self.stdout.write(f"    {table}: {count}")
        if report.tables_dropped:
            dropped = ", ".join(report.tables_dropped)
            self.stdout.write(f"  已删除归档中没有的表 (dropped tables not in the archive): {dropped}")
        self.stdout.write(
            f"  文件 (files) → {report.media_root}: {report.files} 个, {size_text(report.bytes)}, "
            f"校验和一致 (checksums match)"
        )
        if report.files_left:
            self.stdout.write(f"  媒体目录中另有 {report.files_left} 个归档之外的文件, 未删除 (other files left)")
        state = report.migrations
        if state.unknown:
            self.stdout.write(
                self.style.WARNING(
                    f"  数据库有 {len(state.unknown)} 个代码中没有的迁移: 请换用备份时的代码版本 {manifest.version} "
                    f"(the database is newer than this code)"
                )
            )
        elif state.pending:
            self.stdout.write(
                self.style.WARNING(
                    f"  还有 {len(state.pending)} 个迁移未应用, 请运行 manage.py migrate (migrations pending)"
                )
            )
        else:
            self.stdout.write("  迁移与代码一致 (migrations match the code)")
