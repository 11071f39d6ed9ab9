"""A qualification's validity (有效 / 即将到期 / 已过期 / 已撤销) follows from its dates and the day, never from a
stored flag: walked through a 高企's three years, a 科小's calendar year and a revocation, in the admin list
and filter (for a district clerk too), and in what the reports count."""

import datetime
from unittest import mock

from django.db import IntegrityError, transaction
from django.test import TestCase

from registry import roles, validity
from registry.models import Division, Organization, Qualification, QualificationKind
from registry.reports import dashboard
from registry.tests.report_data import approve_all, changelist_count
from registry.tests.support import make_user

from .admin_pages import admin_url, form_data, log_in_superuser

State = validity.State


def state_on(qualification: Qualification, day: datetime.date) -> str:
    return qualification.validity_on(day)


class ValidityWalkTests(TestCase):
    organization: Organization
    high_tech: Qualification

    @classmethod
    def setUpTestData(cls):
        cls.organization = Organization.objects.create(name="内蒙古某乳业科技有限公司")
        kind = QualificationKind.objects.get(name="高新技术企业")
        cls.high_tech = Qualification(organization=cls.organization, kind=kind, issued_on=datetime.date(2024, 12, 2))
        cls.high_tech.full_clean()
        cls.high_tech.save()

    def test_a_high_tech_certificate_walks_from_valid_to_expired_on_its_dates(self):
        self.assertEqual(self.high_tech.valid_until, datetime.date(2027, 12, 2))
        walk = {
            datetime.date(2024, 12, 2): State.VALID,
            datetime.date(2027, 9, 2): State.VALID,  # 91 days before the end
            datetime.date(2027, 9, 3): State.EXPIRING,  # 90 days before
            datetime.date(2027, 11, 2): State.EXPIRING,  # 30 days before
            datetime.date(2027, 12, 2): State.EXPIRING,  # its last day
            datetime.date(2027, 12, 3): State.EXPIRED,
        }
        for day, expected in walk.items():
            with self.subTest(day=day):
                self.assertEqual(state_on(self.high_tech, day), expected)

    def test_the_sql_filter_and_the_annotation_agree_on_every_day(self):
        start = datetime.date(2027, 8, 1)
        for offset in range(0, 160, 7):
            day = start + datetime.timedelta(days=offset)
            annotated = Qualification.objects.annotate(state=validity.expression(day)).get().state
            matching = [
                s for s, condition in validity.conditions(day).items() if Qualification.objects.filter(condition)
            ]
            with self.subTest(day=day):
                self.assertEqual(matching, [State(annotated)])

    def test_a_renewal_makes_it_valid_again(self):
        day = datetime.date(2028, 1, 10)
        self.assertEqual(state_on(self.high_tech, day), State.EXPIRED)
        Qualification.objects.filter(pk=self.high_tech.pk).update(valid_until=datetime.date(2030, 12, 2))
        self.assertEqual(state_on(self.high_tech, day), State.VALID)

    def test_a_revocation_counts_from_its_date(self):
        Qualification.objects.filter(pk=self.high_tech.pk).update(
            revoked_on=datetime.date(2025, 6, 1), revocation_reason="弄虚作假取消资格"
        )
        self.assertEqual(state_on(self.high_tech, datetime.date(2025, 5, 31)), State.VALID)
        self.assertEqual(state_on(self.high_tech, datetime.date(2025, 6, 1)), State.REVOKED)
        self.assertEqual(state_on(self.high_tech, datetime.date(2030, 1, 1)), State.REVOKED)

    def test_no_end_date_is_valid(self):
        open_ended = Qualification.objects.create(
            organization=self.organization, kind=QualificationKind.objects.create(name="某认定")
        )
        self.assertEqual(state_on(open_ended, datetime.date(2040, 1, 1)), State.VALID)

    def test_the_held_ones_are_valid_or_expiring(self):
        held = Qualification.objects.filter(validity.in_force(datetime.date(2027, 11, 1)))
        self.assertEqual(list(held), [self.high_tech])
        self.assertFalse(Qualification.objects.filter(validity.in_force(datetime.date(2027, 12, 3))).exists())

    def test_a_revocation_needs_its_date_and_its_reason(self):
        for values in ({"revoked_on": datetime.date(2025, 6, 1)}, {"revocation_reason": "取消"}):
            with self.subTest(values=values), transaction.atomic(), self.assertRaises(IntegrityError):
                Qualification.objects.filter(pk=self.high_tech.pk).update(**values)


class CalendarYearTests(TestCase):
    def test_a_tech_sme_registration_is_valid_for_its_calendar_year(self):
        kind = QualificationKind.objects.get(name="科技型中小企业")
        self.assertTrue(kind.valid_for_calendar_year)
        registration = Qualification(
            organization=Organization.objects.create(name="某科技型中小企业"),
            kind=kind,
            number="202615010400001234",
            issued_on=datetime.date(2026, 3, 15),
        )
        registration.full_clean()
        self.assertEqual(registration.valid_until, datetime.date(2026, 12, 31))
        registration.save()
        self.assertEqual(state_on(registration, datetime.date(2026, 10, 1)), State.VALID)
        self.assertEqual(state_on(registration, datetime.date(2026, 10, 2)), State.EXPIRING)
        self.assertEqual(state_on(registration, datetime.date(2027, 1, 1)), State.EXPIRED)


@mock.patch("registry.validity.today", lambda: datetime.date(2027, 11, 20))
class AdminValidityTests(TestCase):
    division: Division

    @classmethod
    def setUpTestData(cls):
        cls.division = Division.objects.filter(in_hohhot=True).order_by("code")[0]
        other = Division.objects.filter(in_hohhot=True).order_by("code")[1]
        high_tech = QualificationKind.objects.get(name="高新技术企业")
        ours = Organization.objects.create(name="本区企业", division=cls.division)
        theirs = Organization.objects.create(name="外区企业", division=other)
        for organization, issued in ((ours, 2024), (ours, 2023), (theirs, 2024), (theirs, 2026)):
            Qualification.objects.create(
                organization=organization,
                kind=high_tech,
                number=f"GR{issued}{organization.pk}",
                issued_on=datetime.date(issued, 12, 2),
                valid_until=datetime.date(issued + 3, 12, 2),
            )
        Qualification.objects.create(
            organization=ours,
            kind=high_tech,
            number="GR-revoked",
            issued_on=datetime.date(2025, 1, 1),
            valid_until=datetime.date(2028, 1, 1),
            revoked_on=datetime.date(2026, 5, 1),
            revocation_reason="弄虚作假取消资格",
        )

    def listed(self, query: str = "") -> dict[str, str]:
        response = self.client.get(admin_url(Qualification, "changelist") + query)
        self.assertEqual(response.status_code, 200)
        return {row.number: row.validity for row in response.context["cl"].result_list}

    def test_the_list_shows_the_days_state_in_chinese(self):
        log_in_superuser(self.client)
        response = self.client.get(admin_url(Qualification, "changelist"))
        for label in ("即将到期", "已过期", "已撤销", "有效"):
            self.assertContains(response, label)

    def test_a_district_clerk_filters_her_districts_qualifications_by_state(self):
        self.client.force_login(make_user(roles.DATA_ENTRY, username="clerk", scope=[self.division]))
        ours = Organization.objects.get(name="本区企业").pk
        self.assertEqual(
            self.listed(),
            {f"GR2024{ours}": "expiring", f"GR2023{ours}": "expired", "GR-revoked": "revoked"},
        )
        self.assertEqual(self.listed("?validity=expired"), {f"GR2023{ours}": "expired"})
        self.assertEqual(self.listed("?validity=in_force"), {f"GR2024{ours}": "expiring"})

    def test_the_state_column_sorts(self):
        log_in_superuser(self.client)
        response = self.client.get(admin_url(Qualification, "changelist"))
        column = list(response.context["cl"].list_display).index("validity_display")
        states = [
            row.validity
            for row in self.client.get(f"{admin_url(Qualification, 'changelist')}?o={column}").context["cl"].result_list
        ]
        self.assertEqual(states, sorted(states))

    def test_a_revocation_without_its_reason_is_refused_in_chinese(self):
        log_in_superuser(self.client)
        qualification = Qualification.objects.get(number__startswith="GR2026")
        url = admin_url(Qualification, "change", qualification.pk)
        response = self.client.post(url, form_data(self.client.get(url), revoked_on="2027/11/01"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "撤销须同时填写撤销日期和原因")
        qualification.refresh_from_db()
        self.assertIsNone(qualification.revoked_on)

    def test_the_change_page_shows_the_state(self):
        log_in_superuser(self.client)
        qualification = Qualification.objects.get(number__startswith="GR2026")
        page = self.client.get(admin_url(Qualification, "change", qualification.pk))
        self.assertContains(page, "有效")
        self.assertContains(page, "撤销原因")

    def test_the_dashboard_counts_each_state_and_links_to_its_list(self):
        approve_all()  # the dashboard counts approved records
        clerk = make_user(roles.DATA_ENTRY, username="clerk", scope=[self.division])
        by_validity = dashboard.qualifications(clerk)[1]
        counts = {part.label: part.count for part in by_validity.parts}
        self.assertEqual(counts, {"有效": 0, "即将到期": 1, "已过期": 1, "已撤销": 1})
        for part in by_validity.parts:
            with self.subTest(state=part.label):
                self.assertEqual(changelist_count(self, clerk, part.url), part.count)
