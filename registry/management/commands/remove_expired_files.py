"""Remove expired spreadsheet files: imports waiting past IMPORT_PENDING_TTL (their plans, uploads and
error workbooks) and background exports past EXPORT_FILE_TTL (their files).

The same happens whenever a file is checked for import or a background export starts; run this
daily from cron so that files do not outlive their expiry on a quiet registry. Prints one summary line.
"""

from django.core.management.base import BaseCommand

from registry.importing import background


class Command(BaseCommand):
    help = "Remove expired pending imports and background export files."

    def handle(self, *args, **options):
        imports, exports = background.remove_expired()
        summary = f"已删除过期导入 {imports} 个、过期导出文件 {exports} 个"
        self.stdout.write(f"{summary} (expired imports removed: {imports}, export files: {exports})")
