"""send_reminders --dry-run on the article fixtures: it prints each recipient and the reminders they would
get, and sends nothing (no mail, no sent-log row, no notice)."""

import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from registry import roles
from registry.models import Commissioner, Division, Qualification, SentReminder
from registry.tests.support import make_user

TODAY = datetime.date(2027, 6, 1)


class DryRunOnArticlesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", "articles", verbosity=0)
        # The articles give no dates: the leading-enterprise qualification ends in 20 days and the
        # legal-person commissioners' terms ended yesterday.
        Qualification.objects.update(
            issued_on=datetime.date(2024, 6, 21), valid_until=TODAY + datetime.timedelta(days=20)
        )
        Commissioner.objects.filter(kind=Commissioner.Kind.LEGAL_PERSON).update(
            term_end=TODAY - datetime.timedelta(days=1)
        )
        make_user(
            roles.DATA_ENTRY,
            username="hohhot_clerk",
            scope=[Division.objects.get(code="150100")],
            email="c@example.org",
        )

    def dry_run(self) -> str:
        out = StringIO()
        call_command("send_reminders", "--dry-run", "--today", TODAY.isoformat(), stdout=out)
        return out.getvalue()

    def test_it_prints_what_it_would_send_and_sends_nothing(self):
        output = self.dry_run()
        lines = output.splitlines()
        self.assertEqual(lines[0], "hohhot_clerk")
        self.assertIn("【资质到期】金宇保灵生物药品有限公司 · 科技领军企业 2027-06-21（还有 20 天） [30]", output)
        self.assertEqual(output.count("【特派员任期届满】"), 3)
        self.assertIn("已逾期 1 天", output)
        self.assertIn("试运行", lines[-1])
        self.assertIn("4", lines[-1])
        self.assertEqual(mail.outbox, [])
        self.assertFalse(SentReminder.objects.exists())
        self.assertEqual(self.dry_run(), output)  # still nothing sent: the same again

    def test_without_dates_nothing_would_be_sent(self):
        Qualification.objects.update(valid_until=None)
        Commissioner.objects.update(term_end=None)
        lines = self.dry_run().splitlines()
        self.assertEqual(len(lines), 1)
        self.assertIn("0", lines[0])
