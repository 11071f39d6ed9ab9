"""Back up the registry: database, uploaded files and a manifest in one dated archive; old archives pruned.

Exit status 0 when the archive is complete; 1 with a message otherwise (no half-written archive is left).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from registry.backup.archive import ArchiveError
from registry.backup.create import take_backup
from registry.backup.database import RestoreRefused
from registry.backup.postgres import ToolError


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.1f} KB"


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one dated archive (registry-backup-*.tar)."

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="DIR", help="folder of the archives (default: BACKUP_DIR)")
        parser.add_argument(
            "--keep", type=int, metavar="N", help="keep the N newest archives there (default: BACKUP_KEEP; 0 keeps all)"
        )

    def handle(self, *args, **options):
        output = Path(options["output"] or settings.BACKUP_DIR)
        keep = settings.BACKUP_KEEP if options["keep"] is None else options["keep"]
        try:
            result = take_backup(output, keep)
        except (ArchiveError, ToolError, RestoreRefused, DatabaseError, OSError) as error:
            raise CommandError(f"备份失败 (backup failed): {error}") from None
        manifest = result.manifest
        inventory = manifest.inventory
        uploaded = manifest.uploaded_files
        self.stdout.write(self.style.SUCCESS(f"已备份 (backed up): {result.path}"))
        self.stdout.write(
            f"  数据库 (database) {manifest.vendor} {manifest.server_version}: {len(inventory.tables)} 个表 (tables), "
            f"{inventory.rows} 行 (rows), {len(inventory.migrations)} 个迁移 (migrations)"
        )
        self.stdout.write(
            f"  文件 (files): {len(uploaded)} 个, {size_text(sum(e.size for e in uploaded.values()))}; "
            f"归档 (archive) {size_text(result.path.stat().st_size)}; 版本 (version) {manifest.version}"
        )
        for path in result.removed:
            self.stdout.write(f"  已删除旧备份 (removed old archive): {path.name}")
