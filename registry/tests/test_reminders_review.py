"""Only records that count remind: approved and submitted ones. A draft or returned qualification,
commissioner or flexibly introduced talent has no reminder on the page or in send_reminders, and a
draft renewal does not yet clear the reminder of the record it would replace."""

import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from registry import reminders, roles
from registry.models import (
    AnnualReport,
    Commissioner,
    Division,
    Organization,
    Qualification,
    QualificationKind,
    ReminderKind,
    ReviewStatus,
    SentReminder,
    Talent,
)
from registry.tests.review_support import set_status
from registry.tests.support import make_user

TODAY = datetime.date(2027, 11, 2)
STATES = (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, ReviewStatus.RETURNED)


class RemindersOfCountedRecordsTests(TestCase):
    records: dict[str, dict[str, object]]

    @classmethod
    def setUpTestData(cls):
        division = Division.objects.filter(in_hohhot=True).order_by("code")[0]
        kind = QualificationKind.objects.get(name="高新技术企业")
        make_user(roles.DATA_ENTRY, username="clerk", scope=[division], email="clerk@example.org")
        # One qualification, commissioner and talent in each review state, all due within 30 days.
        cls.records = {}
        for status in STATES:
            firm = Organization.objects.create(name=f"{status}某科技有限公司", division=division)
            qualification = Qualification.objects.create(
                organization=firm,
                kind=kind,
                number=f"GR-{status}",
                issued_on=datetime.date(2024, 12, 2),
                valid_until=datetime.date(2027, 12, 2),
            )
            for year in (2024, 2025, 2026):
                filed_on = datetime.date(year + 1, 5, 1)
                AnnualReport.objects.create(qualification=qualification, year=year, filed_on=filed_on)
            talent = Talent.objects.create(
                name=f"{status}专家",
                employer=firm,
                introduction_mode=Talent.IntroductionMode.FLEXIBLE,
                agreement_ends_on=datetime.date(2027, 11, 20),
            )
            commissioner = Commissioner.objects.create(
                talent=talent, kind=Commissioner.Kind.ENTERPRISE, term_end=datetime.date(2027, 11, 30)
            )
            cls.records[status] = {
                ReminderKind.QUALIFICATION_EXPIRING: set_status(qualification, status),
                ReminderKind.AGREEMENT: set_status(talent, status),
                ReminderKind.COMMISSIONER_TERM: set_status(commissioner, status),
            }

    def test_approved_and_submitted_records_remind_drafts_and_returned_ones_do_not(self):
        found = {(r.kind, r.record) for r in reminders.reminders(None, TODAY)}
        for status in STATES:
            counts = status in (ReviewStatus.APPROVED, ReviewStatus.SUBMITTED)
            for kind, record in self.records[status].items():
                with self.subTest(status=status, kind=kind):
                    self.assertEqual((kind, record) in found, counts)
        self.assertEqual(len(found), 6)

    def test_send_reminders_mails_nothing_about_drafts_or_returned_records(self):
        call_command("send_reminders", "--today", TODAY.isoformat(), stdout=StringIO())
        (message,) = mail.outbox
        self.assertIn("approved某科技有限公司", message.body)
        self.assertIn("submitted某科技有限公司", message.body)
        self.assertNotIn("draft", message.body)
        self.assertNotIn("returned", message.body)
        self.assertEqual(SentReminder.objects.count(), 6)

    def test_a_reopened_record_stops_reminding_until_approved_again(self):
        qualification = self.records[ReviewStatus.APPROVED][ReminderKind.QUALIFICATION_EXPIRING]
        set_status(qualification, ReviewStatus.RETURNED)
        self.assertNotIn(qualification, [r.record for r in reminders.reminders(None, TODAY)])

    def test_a_draft_renewal_does_not_clear_the_reminder(self):
        old = self.records[ReviewStatus.APPROVED][ReminderKind.QUALIFICATION_EXPIRING]
        assert isinstance(old, Qualification)
        renewal = Qualification.objects.create(
            organization=old.organization,
            kind=old.kind,
            number="GR-renewed",
            issued_on=datetime.date(2027, 10, 20),
            valid_until=datetime.date(2030, 10, 20),
        )
        self.assertIn(old, [r.record for r in reminders.reminders(None, TODAY)])
        set_status(renewal, ReviewStatus.SUBMITTED)
        self.assertNotIn(old, [r.record for r in reminders.reminders(None, TODAY)])
