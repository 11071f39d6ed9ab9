"""The page 到期提醒: scoped like every list (a district clerk sees only their district, on the page, in
the notice and in what send_reminders tells them), filtered by kind, district and due date, each row
linked to its record, the same rows as an xlsx file for staff who may export; in the navigation."""

import datetime
from io import BytesIO, StringIO
from unittest import mock

from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from registry import roles
from registry.models import (
    AnnualReport,
    AuditEvent,
    Commissioner,
    Division,
    Organization,
    Qualification,
    QualificationKind,
    SentReminder,
    Talent,
)
from registry.tests.review_support import approved
from registry.tests.support import make_user

TODAY = datetime.date(2027, 11, 20)
PAGE = "admin:registry_reminders"


@mock.patch("registry.validity.today", lambda: TODAY)
class ReminderPageTests(TestCase):
    division_a: Division
    division_b: Division
    qualification_a: Qualification
    qualification_b: Qualification
    commissioner_a: Commissioner
    clerk_a: User
    clerk_b: User
    reviewer: User

    @classmethod
    def setUpTestData(cls):
        cls.division_a, cls.division_b = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        kind = QualificationKind.objects.get(name="高新技术企业")
        firm_a = Organization.objects.create(name="甲区某科技有限公司", division=cls.division_a)
        firm_b = Organization.objects.create(name="乙区某科技有限公司", division=cls.division_b)
        cls.qualification_a = approved(
            Qualification.objects.create(
                organization=firm_a,
                kind=kind,
                number="A1",
                issued_on=datetime.date(2024, 12, 2),
                valid_until=datetime.date(2027, 12, 2),
            )
        )
        cls.qualification_b = approved(
            Qualification.objects.create(
                organization=firm_b,
                kind=kind,
                number="B1",
                issued_on=datetime.date(2024, 11, 1),
                valid_until=datetime.date(2027, 11, 1),
            )
        )
        for qualification in (cls.qualification_a, cls.qualification_b):  # the reports on 2024–2026 are filed
            for year in (2024, 2025, 2026):
                filed_on = datetime.date(year + 1, 5, 20)
                AnnualReport.objects.create(qualification=qualification, year=year, filed_on=filed_on)
        talent = Talent.objects.create(name="李某", employer=firm_a)
        cls.commissioner_a = approved(
            Commissioner.objects.create(
                talent=talent, kind=Commissioner.Kind.ENTERPRISE, term_end=datetime.date(2028, 1, 31)
            )
        )
        cls.clerk_a = make_user(roles.DATA_ENTRY, username="clerk_a", scope=[cls.division_a], email="a@example.org")
        cls.clerk_b = make_user(roles.DATA_ENTRY, username="clerk_b", scope=[cls.division_b], email="b@example.org")
        cls.reviewer = make_user(roles.REVIEWER, username="reviewer")

    def page(self, user, **params):
        self.client.force_login(user)
        return self.client.get(reverse(PAGE), params)

    def subjects(self, response):
        return [row.record for row in response.context["rows"]]

    def test_a_district_clerk_sees_only_their_district(self):
        response = self.page(self.clerk_a)
        self.assertEqual(self.subjects(response), [self.qualification_a, self.commissioner_a])
        self.assertNotContains(response, "乙区某科技有限公司")
        self.assertContains(response, reverse("admin:registry_qualification_change", args=[self.qualification_a.pk]))
        self.assertContains(response, reverse("admin:registry_commissioner_change", args=[self.commissioner_a.pk]))
        self.assertEqual(self.subjects(self.page(self.clerk_b)), [self.qualification_b])
        # Choosing the other district in the filter does not widen the scope.
        self.assertEqual(self.subjects(self.page(self.clerk_a, division=self.division_b.pk)), [])

    def test_filters_by_kind_district_and_due_date(self):
        self.assertEqual(self.subjects(self.page(self.reviewer, kind="commissioner_term")), [self.commissioner_a])
        self.assertEqual(self.subjects(self.page(self.reviewer, division=self.division_b.pk)), [self.qualification_b])
        self.assertEqual(self.subjects(self.page(self.reviewer, due="overdue")), [self.qualification_b])
        self.assertEqual(self.subjects(self.page(self.reviewer, due="30")), [self.qualification_a])
        self.assertEqual(self.subjects(self.page(self.reviewer, due="90")), [self.qualification_a, self.commissioner_a])
        self.assertEqual(len(self.subjects(self.page(self.reviewer, kind="nonsense", due="x"))), 3)

    def test_the_xlsx_file_holds_the_rows_of_the_page_and_is_audited(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(reverse("admin:registry_reminders_xlsx"), {"due": "90"})
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(BytesIO(response.content)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0], ("类别", "记录", "详情", "所属旗县区或开发区", "到期日", "剩余天数"))
        self.assertEqual([row[1] for row in rows[1:]], [str(self.qualification_a), str(self.commissioner_a)])
        self.assertEqual(rows[1][4].date(), datetime.date(2027, 12, 2))
        self.assertEqual(rows[1][5], 12)
        self.assertTrue(AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, model="reminders").exists())

    def test_data_entry_may_not_download_and_no_role_may_not_open_the_page(self):
        self.client.force_login(self.clerk_a)
        self.assertEqual(self.client.get(reverse("admin:registry_reminders_xlsx")).status_code, 403)
        self.assertNotContains(self.page(self.clerk_a), reverse("admin:registry_reminders_xlsx"))
        self.assertEqual(self.page(make_user(username="nobody")).status_code, 403)

    def test_the_page_is_in_the_navigation(self):
        self.client.force_login(self.clerk_a)
        index = self.client.get(reverse("admin:index"))
        self.assertContains(index, f'href="{reverse(PAGE)}"')
        self.assertContains(index, "到期提醒")

    def test_send_reminders_tells_each_clerk_only_their_district(self):
        call_command("send_reminders", "--today", TODAY.isoformat(), stdout=StringIO())
        told = {message.to[0]: message.body for message in mail.outbox}
        self.assertEqual(set(told), {"a@example.org", "b@example.org"})
        self.assertIn("甲区某科技有限公司", told["a@example.org"])
        self.assertNotIn("乙区某科技有限公司", told["a@example.org"])
        self.assertNotIn("甲区某科技有限公司", told["b@example.org"])
        # The reviewer's role is not among the default recipients; the clerk's notice is scoped as well.
        self.assertFalse(SentReminder.objects.filter(user=self.reviewer).exists())
        self.client.force_login(self.clerk_b)
        index = self.client.get(reverse("admin:index"))
        self.assertContains(index, "乙区某科技有限公司")
        self.assertNotContains(index, "甲区某科技有限公司")
