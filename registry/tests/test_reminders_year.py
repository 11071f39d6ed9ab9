"""A year of reminders with "today" frozen by --today: a 高企 expires on its date, its reminder shows at
90 and 30 days and is e-mailed once per threshold, a renewal clears it; the May report deadline
passes; 科小, commissioner terms and flexible-introduction agreements remind too; mail failures
are retried and make the command fail."""

import datetime
from io import StringIO
from unittest import mock

from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from registry import reminders, roles, validity
from registry.models import (
    AnnualReport,
    Commissioner,
    Division,
    Organization,
    Qualification,
    QualificationKind,
    ReminderKind,
    SentReminder,
    Talent,
)
from registry.reminders import Due
from registry.tests.review_support import approved
from registry.tests.support import make_user

day = datetime.date


def kinds_on(when: datetime.date) -> list[tuple[str, str]]:
    return [(r.kind.value, r.subject) for r in reminders.reminders(None, when)]


def run(when: datetime.date, *args: str) -> str:
    out = StringIO()
    call_command("send_reminders", "--today", when.isoformat(), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


class ReminderYearTests(TestCase):
    division: Division
    organization: Organization
    high_tech_kind: QualificationKind
    high_tech: Qualification
    clerk: User

    @classmethod
    def setUpTestData(cls):
        cls.division = Division.objects.filter(in_hohhot=True).order_by("code")[0]
        cls.organization = Organization.objects.create(name="内蒙古某乳业科技有限公司", division=cls.division)
        cls.high_tech_kind = QualificationKind.objects.get(name="高新技术企业")
        cls.high_tech = approved(
            Qualification.objects.create(
                organization=cls.organization,
                kind=cls.high_tech_kind,
                number="GR202415000001",
                issued_on=day(2024, 12, 2),
                valid_until=day(2027, 12, 2),
            )
        )
        # Reports on 2024, 2025 and 2026 filed: only the expiry reminds in 2027.
        for year in (2024, 2025, 2026):
            AnnualReport.objects.create(qualification=cls.high_tech, year=year, filed_on=day(year + 1, 5, 1))
        cls.clerk = make_user(roles.DATA_ENTRY, username="clerk", scope=[cls.division], email="clerk@example.org")

    def expiry_rows(self, when):
        return [r for r in reminders.reminders(None, when) if r.kind == ReminderKind.QUALIFICATION_EXPIRING]

    def test_the_expiry_reminder_walks_from_90_days_to_overdue(self):
        self.assertEqual(self.expiry_rows(day(2027, 9, 2)), [])  # 91 days before
        walk = {
            day(2027, 9, 3): Due.LATER,  # 90 days before
            day(2027, 11, 1): Due.LATER,  # 31 days
            day(2027, 11, 2): Due.SOON,  # 30 days
            day(2027, 12, 2): Due.SOON,  # the last valid day: due today
            day(2027, 12, 3): Due.OVERDUE,  # expired on its date
        }
        for when, due in walk.items():
            with self.subTest(when=when):
                (row,) = self.expiry_rows(when)
                self.assertEqual((row.due, row.due_on, row.record), (due, day(2027, 12, 2), self.high_tech))
                self.assertEqual(self.high_tech.validity_on(when) == validity.State.EXPIRED, due == Due.OVERDUE)
        self.assertEqual(self.expiry_rows(day(2028, 12, 1))[0].days_left, -365)
        self.assertEqual(self.expiry_rows(day(2028, 12, 2)), [])  # more than a year overdue: dropped

    def test_it_is_sent_once_at_90_and_once_at_30_days_and_on_the_due_date(self):
        run(day(2027, 9, 2))  # 91 days before: no threshold reached
        self.assertEqual(len(mail.outbox), 0)
        sent_on = {}
        for when in (day(2027, 9, 3), day(2027, 9, 4), day(2027, 10, 1), day(2027, 11, 2), day(2027, 11, 3)):
            before = len(mail.outbox)
            run(when)
            run(when)  # running twice sends nothing twice
            sent_on[when] = len(mail.outbox) - before
        self.assertEqual(
            sent_on,
            {day(2027, 9, 3): 1, day(2027, 9, 4): 0, day(2027, 10, 1): 0, day(2027, 11, 2): 1, day(2027, 11, 3): 0},
        )
        run(day(2027, 12, 5))  # the due date was missed: the 0-day threshold sends after it
        self.assertEqual(len(mail.outbox), 3)
        self.assertEqual(mail.outbox[0].to, ["clerk@example.org"])
        self.assertIn("内蒙古某乳业科技有限公司", mail.outbox[0].body)
        self.assertIn("2027-12-02", mail.outbox[0].body)
        self.assertEqual(sorted(SentReminder.objects.values_list("lead_days", flat=True)), [0, 30, 90])
        self.assertTrue(SentReminder.objects.filter(emailed=True).count() == 3)

    def test_a_renewal_clears_the_reminder_and_its_notice(self):
        run(day(2027, 11, 2))
        self.client.force_login(self.clerk)
        with mock.patch("registry.validity.today", lambda: day(2027, 11, 2)):
            index = self.client.get(reverse("admin:index"))
        self.assertContains(index, 'id="reminder-notices"')
        self.assertContains(index, "内蒙古某乳业科技有限公司")
        renewal = Qualification.objects.create(
            organization=self.organization,
            kind=self.high_tech_kind,
            number="GR202715000009",
            issued_on=day(2027, 11, 10),
            valid_until=day(2030, 11, 10),
        )
        # A renewal still being entered does not count yet; once approved, it replaces the old one.
        self.assertEqual(len(self.expiry_rows(day(2027, 11, 20))), 1)
        approved(renewal)
        self.assertEqual(self.expiry_rows(day(2027, 11, 20)), [])
        before = len(mail.outbox)
        run(day(2027, 12, 5))
        self.assertEqual(len(mail.outbox), before)
        with mock.patch("registry.validity.today", lambda: day(2027, 11, 20)):
            self.assertNotContains(self.client.get(reverse("admin:index")), 'id="reminder-notices"')

    def test_the_may_report_deadline_passes(self):
        AnnualReport.objects.filter(year=2026).delete()
        report = [r for r in reminders.reminders(None, day(2027, 3, 1)) if r.kind == ReminderKind.ANNUAL_REPORT]
        self.assertEqual(report, [])  # 91 days before 31 May
        (row,) = [r for r in reminders.reminders(None, day(2027, 3, 2)) if r.kind == ReminderKind.ANNUAL_REPORT]
        self.assertEqual((row.due_on, row.due, row.detail), (day(2027, 5, 31), Due.LATER, "2026 年度发展报告"))
        (row,) = [r for r in reminders.reminders(None, day(2027, 6, 1)) if r.kind == ReminderKind.ANNUAL_REPORT]
        self.assertEqual((row.due, row.days_left), (Due.OVERDUE, -1))
        run(day(2027, 6, 1))
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("年报未报", mail.outbox[0].body)
        # A report created but not filed still owes; filing it clears the reminder.
        report_row = AnnualReport.objects.create(qualification=self.high_tech, year=2026)
        self.assertIn(ReminderKind.ANNUAL_REPORT, [r.kind for r in reminders.reminders(None, day(2027, 6, 2))])
        report_row.filed_on = day(2027, 6, 2)
        report_row.save()
        self.assertNotIn(ReminderKind.ANNUAL_REPORT, [r.kind for r in reminders.reminders(None, day(2027, 6, 2))])
        # The next year's report (on 2027) is not due yet in 2027: nothing until 2 March 2028.
        self.assertNotIn(ReminderKind.ANNUAL_REPORT, [r.kind for r in reminders.reminders(None, day(2027, 12, 31))])

    def test_tech_smes_commissioners_and_agreements_remind(self):
        sme_kind = QualificationKind.objects.get(name="科技型中小企业")
        sme = Qualification(
            organization=self.organization, kind=sme_kind, number="2026150100001", issued_on=day(2026, 4, 1)
        )
        sme.full_clean()
        sme.save()
        approved(sme)
        talent = Talent.objects.create(
            name="王某",
            employer=self.organization,
            introduction_mode=Talent.IntroductionMode.FLEXIBLE,
            introduced_on=day(2024, 1, 1),
            agreement_ends_on=day(2027, 1, 15),
        )
        approved(talent)
        approved(
            Commissioner.objects.create(talent=talent, kind=Commissioner.Kind.ENTERPRISE, term_end=day(2027, 1, 31))
        )
        found = {r.kind: r for r in reminders.reminders(None, day(2027, 1, 2))}
        self.assertEqual(found[ReminderKind.REGISTRATION].detail, "2027 年度入库")
        self.assertEqual(found[ReminderKind.REGISTRATION].due, Due.OVERDUE)  # not registered for 2027
        self.assertEqual(found[ReminderKind.AGREEMENT].due_on, day(2027, 1, 15))
        self.assertEqual(found[ReminderKind.COMMISSIONER_TERM].due_on, day(2027, 1, 31))
        # Registering for 2027 clears the 科小 reminder; a commissioner no longer serving has none.
        approved(
            Qualification.objects.create(
                organization=self.organization,
                kind=sme_kind,
                number="2027150100001",
                issued_on=day(2027, 1, 5),
                valid_until=day(2027, 12, 31),
            )
        )
        Commissioner.objects.update(status=Commissioner.Status.ENDED)
        left = {r.kind for r in reminders.reminders(None, day(2027, 1, 6))}
        self.assertEqual(left, {ReminderKind.AGREEMENT})

    def test_a_failed_mail_fails_the_command_and_is_sent_again_next_time(self):
        with mock.patch("registry.reminder_sending.send_mail", side_effect=OSError("连接被拒绝")):
            with self.assertRaises(CommandError):
                run(day(2027, 11, 2))
        self.assertFalse(SentReminder.objects.exists())
        output = run(day(2027, 11, 3))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(SentReminder.objects.get().emailed, True)
        self.assertIn("1", output.splitlines()[-1])

    def test_a_bad_date_is_refused_in_chinese(self):
        with self.assertRaisesMessage(CommandError, "不是日期"):
            call_command("send_reminders", "--today", "2027-13-01")
