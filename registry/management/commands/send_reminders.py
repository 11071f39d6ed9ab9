"""Send the due-date reminders of the day: each once per threshold per recipient (registry/reminder_sending.py).

Meant to run daily from cron or a systemd timer (README, 到期提醒). --dry-run prints who would get
what and sends nothing; --today YYYY-MM-DD runs as on another day. Prints one summary line; exit
status 1 when a mail failed (its reminders are sent again on the next run).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from registry import reminder_sending, validity


def day_argument(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(gettext("--today %(value)s is not a date (YYYY-MM-DD).") % {"value": value}) from error


class Command(BaseCommand):
    help = "Send the due-date reminders by e-mail and as notices on the admin index."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
        parser.add_argument("--today", help="run as on this day (YYYY-MM-DD) instead of today in Asia/Shanghai")

    def handle(self, *args, **options):
        day = day_argument(options["today"]) if options["today"] else validity.today()
        deliveries = reminder_sending.plan(day)
        if options["dry_run"]:
            for recipient, lines in reminder_sending.by_recipient(deliveries).items():
                self.stdout.write(recipient)
                for line in lines:
                    self.stdout.write(f"  {line}")
            self.stdout.write(reminder_sending.summary(reminder_sending.Outcome(), deliveries, dry_run=True))
            return
        outcome = reminder_sending.send(deliveries)
        for failure in outcome.failures:
            self.stderr.write(failure)
        self.stdout.write(reminder_sending.summary(outcome, deliveries, dry_run=False))
        if outcome.failures:
            raise CommandError(gettext("%(count)s reminder e-mails failed.") % {"count": len(outcome.failures)})
