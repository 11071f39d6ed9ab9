"""Queue the recount of the report snapshots that are out of date (all of them with --all).

Meant to run every few minutes from cron or a systemd timer beside `manage.py db_worker`, so the
reports page finds fresh figures even when nobody has opened it since the last approval. With the
immediate task backend the recount happens in this command. Exit status 0; prints one summary line.
"""

from django.core.management.base import BaseCommand

from registry.models import ReportSnapshot
from registry.reports import snapshots


class Command(BaseCommand):
    help = "Recount the statistical report snapshots that are out of date (all of them with --all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="recount every snapshot, not only the out-of-date ones")

    def handle(self, *args, **options):
        queued = snapshots.refresh_all(out_of_date_only=not options["all"])
        total = ReportSnapshot.objects.count()
        summary = f"报表快照：{len(queued)} 份已安排重新统计，共 {total} 份"
        self.stdout.write(f"{summary} (report snapshots queued: {len(queued)}/{total})")
