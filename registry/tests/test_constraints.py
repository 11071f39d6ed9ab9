"""Amounts not negative, periods in order, required parties: refused by full_clean() with a Chinese
message on the field, and by the database itself (CheckConstraint) when validation is skipped."""

import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import translation

from registry.models import (
    Commissioner,
    ContractType,
    IndustryCluster,
    Organization,
    Policy,
    Project,
    ProjectPartner,
    Qualification,
    QualificationKind,
    ServiceRecord,
    Subsidy,
    Talent,
    TechContract,
    Workstation,
    WorkstationMember,
)

from .admin_pages import admin_url, form_data, log_in_superuser

DAY = datetime.date(2024, 5, 1)
EARLIER = datetime.date(2024, 4, 30)


class ConstraintTests(TestCase):
    organization: Organization
    project: Project
    talent: Talent
    workstation: Workstation

    @classmethod
    def setUpTestData(cls):
        cls.organization = Organization.objects.create(name="内蒙古某乳业有限公司")
        cls.talent = Talent.objects.create(name="王五")
        cls.workstation = Workstation.objects.create(name="某院士专家工作站", kind=Workstation.Kind.ACADEMICIAN_EXPERT)
        cls.project = Project.objects.create(title="某揭榜挂帅项目", kind=Project.Kind.OPEN_COMPETITION)

    def bad_records(self):
        """(record, field of the error or None for the record, words of the message, checked in the database too)."""
        org, talent = self.organization, self.talent
        high_tech = QualificationKind.objects.get(name="高新技术企业")
        contract_type = ContractType.objects.first()
        return [
            (
                Qualification(organization=org, kind=high_tech, issued_on=DAY, valid_until=DAY),
                "valid_until",
                "有效期至",
                True,
            ),
            (
                WorkstationMember(workstation=self.workstation, talent=talent, joined_on=DAY, left_on=EARLIER),
                "left_on",
                "离站",
                True,
            ),
            (
                Commissioner(talent=talent, kind=Commissioner.Kind.AGRICULTURAL, term_start=DAY, term_end=EARLIER),
                "term_end",
                "开始日期",
                True,
            ),
            (
                Commissioner(talent=talent, organization=org, kind=Commissioner.Kind.AGRICULTURAL),
                "kind",
                "法人科技特派员",
                True,
            ),
            (Commissioner(kind=Commissioner.Kind.AGRICULTURAL), NON_FIELD_ERRORS, "法人", True),
            (ServiceRecord(title="培训", kind="training", team=None), NON_FIELD_ERRORS, "特派员", True),
            (
                ServiceRecord(
                    title="培训", kind="training", workstation=self.workstation, started_on=DAY, ended_on=EARLIER
                ),
                "ended_on",
                "结束",
                True,
            ),
            (
                TechContract(title="合同", contract_type=contract_type, contract_amount=Decimal("-1")),
                "contract_amount",
                "0",
                True,
            ),
            (
                TechContract(title="合同", contract_type=contract_type, transaction_amount=Decimal("-0.01")),
                "transaction_amount",
                "0",
                True,
            ),
            (
                TechContract(title="合同", contract_type=contract_type, signed_on=DAY, registered_on=EARLIER),
                "registered_on",
                "登记",
                True,
            ),
            (
                TechContract(
                    title="合同",
                    contract_type=contract_type,
                    contract_amount=Decimal("10"),
                    transaction_amount=Decimal("11"),
                ),
                "transaction_amount",
                "技术交易额",
                False,
            ),
            (Subsidy(title="奖补", kind="other", organization=org, amount=Decimal("-5")), "amount", "0", True),
            (Subsidy(title="奖补", kind="other"), NON_FIELD_ERRORS, "个人或单位", True),
            (Policy(title="政策", max_funding=Decimal("-1")), "max_funding", "0", True),
            (IndustryCluster(name="集群", valid_from=DAY, valid_until=EARLIER), "valid_until", "有效期", True),
            (ProjectPartner(project=self.project, role="solver"), NON_FIELD_ERRORS, "合作", True),
        ]

    def test_full_clean_names_the_field_in_chinese(self):
        for record, field, words, _in_db in self.bad_records():
            with self.subTest(model=type(record).__name__, field=field), translation.override("zh-hans"):
                with self.assertRaises(ValidationError) as caught:
                    record.full_clean()
                errors = caught.exception.message_dict
                self.assertIn(field, errors)
                self.assertIn(words, " ".join(errors[field]))
                self.assertTrue(any("\u4e00" <= char <= "\u9fff" for char in errors[field][0]))

    def test_the_database_refuses_the_same_rows(self):
        for record, field, _words, in_db in self.bad_records():
            if not in_db:
                continue
            with self.subTest(model=type(record).__name__, field=field):
                with self.assertRaises(IntegrityError), transaction.atomic():
                    record.save()
                self.assertFalse(type(record).objects.filter(pk=record.pk).exists() if record.pk else False)

    def test_good_boundaries_are_accepted(self):
        high_tech = QualificationKind.objects.get(name="高新技术企业")
        good = [
            Qualification(organization=self.organization, kind=high_tech, issued_on=EARLIER, valid_until=DAY),
            WorkstationMember(workstation=self.workstation, talent=self.talent, joined_on=DAY, left_on=DAY),
            Commissioner(talent=self.talent, kind=Commissioner.Kind.AGRICULTURAL, term_start=DAY, term_end=DAY),
            TechContract(
                title="合同",
                contract_type=ContractType.objects.first(),
                contract_amount=Decimal("0"),
                transaction_amount=Decimal("0"),
                signed_on=DAY,
                registered_on=DAY,
            ),
            Subsidy(title="奖补", kind="other", talent=self.talent, amount=Decimal("0")),
            Policy(title="政策", max_funding=Decimal("0")),
        ]
        for record in good:
            with self.subTest(model=type(record).__name__):
                record.full_clean()
                record.save()


class AdminFormConstraintTests(TestCase):
    """The same rules typed into the admin: the error is shown next to the field, nothing is saved."""

    def setUp(self):
        log_in_superuser(self.client)
        self.talent = Talent.objects.create(name="王五")

    def post_add(self, model, **values):
        page = self.client.get(admin_url(model, "add"))
        response = self.client.post(admin_url(model, "add"), form_data(page, **values))
        self.assertEqual(response.status_code, 200, "the form was accepted")
        self.assertFalse(model.objects.exists())
        return response.context["adminform"].form.errors

    def test_term_ending_before_it_starts(self):
        errors = self.post_add(
            Commissioner,
            kind="agricultural",
            talent=self.talent.pk,
            status="active",
            term_start="2024-05-01",
            term_end="2024-04-30",
        )
        self.assertEqual(list(errors), ["term_end"])
        self.assertIn("开始日期", errors["term_end"][0])

    def test_negative_amount(self):
        errors = self.post_add(
            TechContract,
            title="合同",
            contract_type=ContractType.objects.first().pk,
            contract_amount="-100",
        )
        self.assertEqual(list(errors), ["contract_amount"])
        self.assertIn("0", errors["contract_amount"][0])
