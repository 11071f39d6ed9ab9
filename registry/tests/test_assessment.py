"""The annual assessment of commissioners (registry/assessment.py): scores from the approved service
records of the year only, proposed grades from the year's scheme, confirmation or override with a
reason by a reviewer of the district who did not generate it (four eyes)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from registry import assessment, roles
from registry.models import (
    AssessmentScheme,
    AssessmentSchemePart,
    Commissioner,
    CommissionerAssessment,
    Measure,
    Organization,
    ReviewStatus,
    ServiceRecord,
    Talent,
)
from registry.tests.access_support import make_user
from registry.tests.review_support import XINCHENG, YUQUAN, approved, division, review_cast, set_status

YEAR = 2026
Grade = CommissionerAssessment.Grade
Evaluation = ServiceRecord.Evaluation


def commissioner(name: str, code: str = XINCHENG, status: str = ReviewStatus.APPROVED) -> Commissioner:
    """A commissioner employed in the district `code`, in the review state `status`."""
    employer, _created = Organization.objects.get_or_create(
        name=f"{division(code).name}农牧业合作社", defaults={"division": division(code), "kind": "cooperative"}
    )
    person = Talent.objects.create(name=name, employer=employer)
    return set_status(Commissioner.objects.create(kind=Commissioner.Kind.AGRICULTURAL, talent=person), status)


def service(who: Commissioner, started: str, status: str = ReviewStatus.APPROVED, **fields: Any) -> ServiceRecord:
    record = ServiceRecord.objects.create(
        title=f"{who.talent}服务{started}",
        kind=ServiceRecord.Kind.FIELD_GUIDANCE,
        commissioner=who,
        started_on=datetime.date.fromisoformat(started),
        **fields,
    )
    return set_status(record, status)


def scheme(year: int = YEAR) -> AssessmentScheme:
    """服务情况 60 (10 service days), 成效 20 (5 problems solved), 满意度 20 (100 % satisfied); 90/80/60."""
    made = AssessmentScheme.objects.create(year=year)
    for name, measure, target, weight in (
        ("服务情况", Measure.SERVICE_DAYS, 10, 60),
        ("成效", Measure.PROBLEMS_SOLVED, 5, 20),
        ("满意度", Measure.SATISFACTION_RATE, 100, 20),
    ):
        AssessmentSchemePart.objects.create(scheme=made, name=name, measure=measure, target=target, weight=weight)
    return made


class AssessmentTestData(TestCase):
    users: dict[str, Any]
    wang: Commissioner
    li: Commissioner
    draft_commissioner: Commissioner
    yuquan: Commissioner
    pending: ServiceRecord

    @classmethod
    def setUpTestData(cls):
        cls.users = review_cast()
        cls.users["clerk_reviewer"] = make_user(
            "xc_both", roles.DATA_ENTRY, roles.REVIEWER, divisions=[division(XINCHENG)]
        )
        scheme()
        cls.wang = commissioner("王建国")
        # Approved records of the year: 5 + 1 service days, 4 problems solved, one of two satisfied.
        service(
            cls.wang,
            "2026-03-01",
            ended_on=datetime.date(2026, 3, 5),
            problems_solved=3,
            evaluation=Evaluation.SATISFIED,
        )
        service(cls.wang, "2026-04-10", problems_solved=1, evaluation=Evaluation.DISSATISFIED)
        # Not counted: waiting for review, a draft, and last year's approved record.
        cls.pending = service(
            cls.wang,
            "2026-05-01",
            ReviewStatus.SUBMITTED,
            ended_on=datetime.date(2026, 5, 10),
            problems_solved=5,
            evaluation=Evaluation.SATISFIED,
        )
        service(cls.wang, "2026-06-01", ReviewStatus.DRAFT, ended_on=datetime.date(2026, 6, 20), problems_solved=9)
        service(cls.wang, "2025-06-01", ended_on=datetime.date(2025, 6, 20), problems_solved=9)
        cls.li = commissioner("李明")  # no service at all
        cls.draft_commissioner = commissioner("赵草稿", status=ReviewStatus.DRAFT)
        cls.yuquan = commissioner("玉泉专家", code=YUQUAN)
        service(cls.yuquan, "2026-03-01", ended_on=datetime.date(2026, 3, 10), problems_solved=5)

    def generate(self, user: str = "clerk", submit: bool = False, code: str = XINCHENG) -> assessment.Generation:
        return assessment.generate(self.users[user], YEAR, division(code), submit=submit)

    def assessment_of(self, who: Commissioner) -> CommissionerAssessment:
        return CommissionerAssessment.objects.get(commissioner=who, year=YEAR)


class GenerationTest(AssessmentTestData):
    def test_scores_come_from_the_approved_records_of_the_year_only(self):
        outcome = self.generate()
        self.assertEqual({a.commissioner for a in outcome.written}, {self.wang, self.li})
        wang = self.assessment_of(self.wang)
        # 60 × 6/10 + 20 × 4/5 + 20 × 50/100 = 36 + 16 + 10
        self.assertEqual(wang.score, Decimal("62.0"))
        self.assertEqual((wang.proposed_grade, wang.grade), (Grade.PASS, Grade.PASS))
        self.assertEqual(
            [(part["name"], part["value"], part["points"]) for part in wang.breakdown],
            [("服务情况", "6", "36.0"), ("成效", "4", "16.0"), ("满意度", "50.0", "10.0")],
        )
        self.assertEqual(wang.review_status, ReviewStatus.DRAFT)
        self.assertEqual(wang.generated_by, self.users["clerk"])
        self.assertIsNotNone(wang.generated_at)
        li = self.assessment_of(self.li)
        self.assertEqual((li.score, li.proposed_grade), (Decimal("0.0"), Grade.FAIL))

    def test_a_record_counts_once_it_is_approved(self):
        self.generate()
        approved(self.pending)
        self.generate()
        wang = self.assessment_of(self.wang)
        # 16 service days (capped at 10), 9 problems (capped at 5), two of three satisfied.
        self.assertEqual(wang.score, Decimal("93.3"))
        self.assertEqual(wang.proposed_grade, Grade.EXCELLENT)
        self.assertEqual(CommissionerAssessment.objects.filter(commissioner=self.wang).count(), 1)

    def test_commissioners_not_approved_or_of_another_district_are_not_assessed(self):
        self.generate()
        self.assertFalse(CommissionerAssessment.objects.filter(commissioner=self.draft_commissioner).exists())
        self.assertFalse(CommissionerAssessment.objects.filter(commissioner=self.yuquan).exists())

    def test_submitted_assessments_are_left_alone(self):
        self.generate(submit=True)
        self.assertEqual(self.assessment_of(self.wang).review_status, ReviewStatus.SUBMITTED)
        approved(self.pending)
        outcome = self.generate()
        self.assertEqual(outcome.written, [])
        self.assertEqual(len(outcome.skipped), 2)
        self.assertEqual(self.assessment_of(self.wang).score, Decimal("62.0"))

    def test_a_year_without_a_scheme_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "2025"):
            assessment.generate(self.users["clerk"], 2025, division(XINCHENG))
        self.assertFalse(CommissionerAssessment.objects.exists())

    def test_a_scheme_whose_weights_do_not_add_up_to_100_is_refused(self):
        AssessmentSchemePart.objects.filter(name="成效").update(weight=10)
        with self.assertRaisesMessage(ValidationError, "90"):
            self.generate()
        self.assertFalse(CommissionerAssessment.objects.exists())

    def test_a_clerk_of_another_district_may_not_generate_there(self):
        with self.assertRaises(PermissionDenied):
            self.generate("other_clerk")
        self.assertFalse(CommissionerAssessment.objects.exists())
        self.assertNotIn(division(XINCHENG), assessment.user_district_choices(self.users["other_clerk"]))

    def test_a_reviewer_may_not_generate(self):
        with self.assertRaises(PermissionDenied):
            self.generate("reviewer")

    def test_the_other_district_generates_its_own(self):
        self.generate("other_clerk", code=YUQUAN)
        yuquan = self.assessment_of(self.yuquan)
        self.assertEqual(yuquan.score, Decimal("80.0"))  # 60 + 20 + no evaluation
        self.assertEqual(yuquan.proposed_grade, Grade.GOOD)  # a threshold reached exactly

    def test_thresholds_must_fall_from_excellent_to_pass(self):
        rising = AssessmentScheme(year=2030, excellent_min=70, good_min=80, pass_min=60)
        with self.assertRaisesMessage(ValidationError, "递减"):
            rising.full_clean()


class ConfirmationTest(AssessmentTestData):
    def setUp(self):
        self.generate(submit=True)
        self.wang_assessment = self.assessment_of(self.wang)

    def test_a_reviewer_of_the_district_confirms_the_proposed_grade(self):
        assessment.confirm(self.wang_assessment, self.users["reviewer"])
        stored = self.assessment_of(self.wang)
        self.assertEqual(stored.review_status, ReviewStatus.APPROVED)
        self.assertEqual((stored.grade, stored.override_reason), (Grade.PASS, ""))
        self.assertEqual(stored.confirmed_by, self.users["reviewer"])
        self.assertIsNotNone(stored.confirmed_at)

    def test_an_override_needs_a_reason(self):
        with self.assertRaisesMessage(ValidationError, "理由"):
            assessment.confirm(self.wang_assessment, self.users["reviewer"], Grade.GOOD, "  ")
        stored = self.assessment_of(self.wang)
        self.assertEqual((stored.review_status, stored.grade), (ReviewStatus.SUBMITTED, Grade.PASS))

    def test_an_override_with_a_reason_is_stored_with_the_approval(self):
        assessment.confirm(self.wang_assessment, self.users["reviewer"], Grade.GOOD, "下半年服务记录尚未录入")
        stored = self.assessment_of(self.wang)
        self.assertEqual(stored.review_status, ReviewStatus.APPROVED)
        self.assertEqual((stored.proposed_grade, stored.grade), (Grade.PASS, Grade.GOOD))
        self.assertEqual(stored.override_reason, "下半年服务记录尚未录入")
        newest = stored.history.order_by("-history_date", "-history_id").first()
        self.assertEqual((newest.grade, newest.review_status), (Grade.GOOD, ReviewStatus.APPROVED))

    def test_whoever_generated_it_may_not_confirm_it(self):
        CommissionerAssessment.objects.all().delete()
        self.generate("clerk_reviewer", submit=True)
        mine = self.assessment_of(self.wang)
        with self.assertRaisesMessage(PermissionDenied, "四眼原则"):
            assessment.confirm(mine, self.users["clerk_reviewer"])
        self.assertEqual(self.assessment_of(self.wang).review_status, ReviewStatus.SUBMITTED)
        assessment.confirm(mine, self.users["reviewer"])
        self.assertEqual(self.assessment_of(self.wang).review_status, ReviewStatus.APPROVED)

    def test_clerks_and_reviewers_of_another_district_may_not_confirm(self):
        for name in ("clerk", "other_reviewer"):
            with self.subTest(name), self.assertRaises(PermissionDenied):
                assessment.confirm(self.wang_assessment, self.users[name])
        self.assertEqual(self.assessment_of(self.wang).review_status, ReviewStatus.SUBMITTED)

    def test_a_draft_cannot_be_confirmed(self):
        set_status(self.wang_assessment, ReviewStatus.DRAFT)
        with self.assertRaises(ValidationError):
            assessment.confirm(self.wang_assessment, self.users["reviewer"])

    def test_a_form_changing_the_grade_needs_a_reason(self):
        set_status(self.wang_assessment, ReviewStatus.DRAFT)
        self.wang_assessment.grade = Grade.EXCELLENT
        with self.assertRaises(ValidationError) as raised:
            self.wang_assessment.full_clean()
        self.assertIn("override_reason", raised.exception.message_dict)
        self.wang_assessment.override_reason = "获市级表彰"
        self.wang_assessment.full_clean()
