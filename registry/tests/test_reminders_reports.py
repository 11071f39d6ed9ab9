"""The 高企 yearly development report of every year of the validity: "today" walks from the issue to
a year after the end; each year the qualification is held on 31 December owes a report by 31 May of
the next, overdue reports of earlier years stay until filed, and a renewal's years follow on."""

import datetime

from django.test import TestCase

from registry import reminders
from registry.models import AnnualReport, Division, Organization, Qualification, QualificationKind, ReminderKind
from registry.reminders import Due
from registry.tests.review_support import approved

day = datetime.date


class YearlyReportTests(TestCase):
    organization: Organization
    kind: QualificationKind
    high_tech: Qualification

    @classmethod
    def setUpTestData(cls):
        division = Division.objects.filter(in_hohhot=True).order_by("code")[0]
        cls.organization = Organization.objects.create(name="内蒙古某新材料有限公司", division=division)
        cls.kind = QualificationKind.objects.get(name="高新技术企业")
        # Held on 31 December 2024, 2025 and 2026; not on 31 December 2027 (it ends on 2 December).
        cls.high_tech = approved(
            Qualification.objects.create(
                organization=cls.organization,
                kind=cls.kind,
                number="GR202415000002",
                issued_on=day(2024, 12, 2),
                valid_until=day(2027, 12, 2),
            )
        )

    def owed(self, when: datetime.date) -> list[tuple[str, datetime.date, Due]]:
        rows = reminders.reminders(None, when)
        return [(r.detail, r.due_on, r.due) for r in rows if r.kind == ReminderKind.ANNUAL_REPORT]

    def file(self, year: int, on: datetime.date, qualification: Qualification | None = None) -> None:
        AnnualReport.objects.create(qualification=qualification or self.high_tech, year=year, filed_on=on)

    def test_each_year_of_the_validity_owes_its_report_until_filed(self):
        self.assertEqual(self.owed(day(2024, 12, 31)), [])
        self.assertEqual(self.owed(day(2025, 3, 1)), [])  # 91 days before 31 May 2025
        self.assertEqual(self.owed(day(2025, 3, 2)), [("2024 年度发展报告", day(2025, 5, 31), Due.LATER)])
        self.assertEqual(self.owed(day(2025, 5, 31))[0][2], Due.SOON)
        # Not filed: still there in 2026, overdue, and the report on 2025 joins it in March.
        self.assertEqual(self.owed(day(2026, 3, 1)), [("2024 年度发展报告", day(2025, 5, 31), Due.OVERDUE)])
        self.assertEqual(
            self.owed(day(2026, 3, 2)),
            [("2024 年度发展报告", day(2025, 5, 31), Due.OVERDUE), ("2025 年度发展报告", day(2026, 5, 31), Due.LATER)],
        )
        self.file(2025, day(2026, 5, 20))
        self.assertEqual([row[0] for row in self.owed(day(2026, 6, 1))], ["2024 年度发展报告"])
        # More than a year overdue and still owed; filed late, it is gone.
        self.assertEqual([row[0] for row in self.owed(day(2027, 3, 2))], ["2024 年度发展报告", "2026 年度发展报告"])
        self.file(2024, day(2027, 3, 5))
        self.file(2026, day(2027, 4, 1))
        self.assertEqual(self.owed(day(2027, 4, 1)), [])
        # Not held on 31 December 2027: nothing owed on 2027, in 2028 or after.
        for when in (day(2028, 3, 2), day(2028, 6, 1), day(2029, 6, 1)):
            with self.subTest(when=when):
                self.assertEqual(self.owed(when), [])

    def test_unfiled_reports_stay_while_held_and_a_year_after_the_end(self):
        self.assertEqual(len(self.owed(day(2027, 12, 2))), 3)  # 2024, 2025, 2026
        self.assertEqual(len(self.owed(day(2028, 12, 1))), 3)  # 365 days after the end (OVERDUE_DAYS)
        self.assertEqual(self.owed(day(2028, 12, 2)), [])  # like the expiry reminder

    def test_a_renewal_owes_its_own_years_and_a_report_filed_under_it_counts(self):
        for year in (2024, 2025):
            self.file(year, day(year + 1, 5, 1))
        renewal = approved(
            Qualification.objects.create(
                organization=self.organization,
                kind=self.kind,
                number="GR202715000003",
                issued_on=day(2027, 11, 10),
                valid_until=day(2030, 11, 10),
            )
        )
        self.file(2026, day(2027, 5, 1), renewal)  # entered under the new certificate
        owed = [r for r in reminders.reminders(None, day(2028, 6, 1)) if r.kind == ReminderKind.ANNUAL_REPORT]
        self.assertEqual([(r.record, r.detail, r.due) for r in owed], [(renewal, "2027 年度发展报告", Due.OVERDUE)])

    def test_a_revoked_qualification_owes_the_years_before_its_revocation(self):
        Qualification.objects.filter(pk=self.high_tech.pk).update(revoked_on=day(2026, 7, 1), revocation_reason="x")
        self.file(2024, day(2025, 5, 1))
        self.assertEqual([row[0] for row in self.owed(day(2027, 6, 1))], ["2025 年度发展报告"])
        self.assertEqual(self.owed(day(2027, 7, 2)), [])  # a year after the revocation

    def test_without_an_issue_date_the_years_run_back_from_the_end(self):
        Qualification.objects.filter(pk=self.high_tech.pk).update(issued_on=None)
        self.assertEqual([row[0] for row in self.owed(day(2027, 6, 1))][:1], ["2024 年度发展报告"])
