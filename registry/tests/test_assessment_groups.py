"""The annual assessment of commissioner teams and workstations: 生成年度考核 proposes their scores from
their members' approved service records of the year (each record once; a workstation member's only
while a member), a reviewer confirms or overrides with a reason, and both appear in the district's
.xlsx list and get a .docx form of their own. An assessment is of exactly one commissioner, team or
workstation."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import translation
from openpyxl import load_workbook

from registry import access, assessment, roles
from registry.models import (
    Commissioner,
    CommissionerAssessment,
    CommissionerTeam,
    Organization,
    ReviewStatus,
    ServiceRecord,
    Talent,
    Workstation,
    WorkstationMember,
)
from registry.tests.access_support import make_user
from registry.tests.admin_pages import admin_url
from registry.tests.review_support import XINCHENG, YUQUAN, approved, division, review_cast
from registry.tests.test_assessment import YEAR, commissioner, scheme, service
from registry.tests.test_assessment_admin import docx_text

Grade = CommissionerAssessment.Grade
Evaluation = ServiceRecord.Evaluation
date = datetime.date


def team_service(team: CommissionerTeam, started: str, **fields: Any) -> ServiceRecord:
    """An approved service record naming only the team."""
    record = ServiceRecord.objects.create(
        title=f"{team}服务{started}",
        kind=ServiceRecord.Kind.TRAINING,
        team=team,
        started_on=date.fromisoformat(started),
        **fields,
    )
    return approved(record)


class GroupAssessmentData(TestCase):
    users: dict[str, Any]
    team: CommissionerTeam
    draft_team: CommissionerTeam
    station: Workstation
    late_station: Workstation
    pending: ServiceRecord

    @classmethod
    def setUpTestData(cls):
        cls.users = review_cast()
        scheme()  # 服务情况 60 (10 days), 成效 20 (5 problems), 满意度 20 (100 %)
        leader, member = commissioner("张团长"), commissioner("刘成员")
        cls.team = approved(
            CommissionerTeam.objects.create(name="新城区农牧科技特派团", leader=leader.talent, service_area="保合少镇")
        )
        cls.team.members.add(Talent.objects.get(name="刘成员"))
        # Counted for the team: 3 + 1 + 2 + 1 days, 2 + 1 + 1 + 1 problems, three evaluations all satisfied.
        service(leader, "2026-03-01", ended_on=date(2026, 3, 3), problems_solved=2, evaluation=Evaluation.SATISFIED)
        service(member, "2026-04-01", problems_solved=1, evaluation=Evaluation.BASICALLY_SATISFIED)
        team_service(cls.team, "2026-06-01", ended_on=date(2026, 6, 2), problems_solved=1)
        # The leader's record naming the team as well: counted once.
        both = service(leader, "2026-07-01", problems_solved=1, evaluation=Evaluation.SATISFIED)
        ServiceRecord.objects.filter(pk=both.pk).update(team=cls.team)
        # Not counted: a draft, one waiting for review, last year's.
        service(member, "2026-05-01", ReviewStatus.DRAFT, ended_on=date(2026, 5, 20), problems_solved=9)
        cls.pending = service(member, "2026-08-01", ReviewStatus.SUBMITTED, ended_on=date(2026, 8, 10))
        service(leader, "2025-06-01", ended_on=date(2025, 6, 30), problems_solved=9)
        cls.draft_team = CommissionerTeam.objects.create(name="草稿特派团", leader=leader.talent)

        host = Organization.objects.get(name=f"{division(XINCHENG).name}农牧业合作社")
        cls.station = approved(
            Workstation.objects.create(
                name="新城区院士专家工作站",
                kind=Workstation.Kind.ACADEMICIAN_EXPERT,
                host=host,
                filing_level="city",
                filed_on=date(2025, 9, 1),
            )
        )
        expert = commissioner("陈专家")
        WorkstationMember.objects.create(workstation=cls.station, talent=expert.talent, joined_on=date(2026, 6, 1))
        # Before joining: not the workstation's. After: 3 days, 2 problems, satisfied.
        service(expert, "2026-03-01", ended_on=date(2026, 3, 5), problems_solved=3)
        service(expert, "2026-07-01", ended_on=date(2026, 7, 3), problems_solved=2, evaluation=Evaluation.SATISFIED)
        own = ServiceRecord.objects.create(
            title="工作站技术培训",
            kind=ServiceRecord.Kind.TRAINING,
            workstation=cls.station,
            started_on=date(2026, 8, 1),
            problems_solved=1,
            evaluation=Evaluation.DISSATISFIED,
        )
        approved(own)
        cls.late_station = approved(
            Workstation.objects.create(
                name="新城区企业科技特派员工作站",
                kind=Workstation.Kind.ENTERPRISE_COMMISSIONER,
                host=host,
                filed_on=date(2027, 1, 5),
            )
        )
        yuquan_host = Organization.objects.create(name="玉泉区某公司", division=division(YUQUAN))
        kind = Workstation.Kind.COMMISSIONER_EXPERT
        approved(Workstation.objects.create(name="玉泉区工作站", kind=kind, host=yuquan_host))

    def generate(self, user: str = "clerk", submit: bool = False, code: str = XINCHENG) -> assessment.Generation:
        return assessment.generate(self.users[user], YEAR, division(code), submit=submit)

    def of(self, **assessed: Any) -> CommissionerAssessment:
        return CommissionerAssessment.objects.get(year=YEAR, **assessed)


class GroupGenerationTest(GroupAssessmentData):
    def test_the_team_is_scored_from_its_members_approved_records_each_once(self):
        self.generate()
        team = self.of(team=self.team)
        # 60 × 7/10 + 20 × 5/5 + 20 × 100/100
        self.assertEqual((team.score, team.proposed_grade, team.grade), (Decimal("82.0"), Grade.GOOD, Grade.GOOD))
        self.assertEqual(
            [(part["name"], part["value"]) for part in team.breakdown],
            [("服务情况", "7"), ("成效", "5"), ("满意度", "100.0")],
        )
        self.assertEqual((team.commissioner, team.workstation), (None, None))
        self.assertEqual(team.review_status, ReviewStatus.DRAFT)

    def test_the_workstation_counts_its_members_records_only_while_they_belong(self):
        self.generate()
        station = self.of(workstation=self.station)
        # 60 × 4/10 + 20 × 3/5 + 20 × 50/100
        self.assertEqual((station.score, station.proposed_grade), (Decimal("46.0"), Grade.FAIL))
        self.assertEqual(station.breakdown[0]["value"], "4")

    def test_what_is_not_approved_filed_in_time_or_in_the_district_is_not_assessed(self):
        outcome = self.generate()
        groups = {a.assessed for a in outcome.written if a.commissioner is None}
        self.assertEqual(groups, {self.team, self.station})
        self.assertFalse(CommissionerAssessment.objects.filter(team=self.draft_team).exists())
        self.assertFalse(CommissionerAssessment.objects.filter(workstation=self.late_station).exists())
        self.assertFalse(CommissionerAssessment.objects.filter(workstation__name="玉泉区工作站").exists())

    def test_a_member_record_counts_once_approved_and_regenerating_updates_the_draft(self):
        self.generate()
        approved(self.pending)  # ten more days
        self.generate()
        team = self.of(team=self.team)
        self.assertEqual(team.breakdown[0]["value"], "17")
        self.assertEqual(team.score, Decimal("100.0"))
        self.assertEqual(CommissionerAssessment.objects.filter(team=self.team).count(), 1)

    def test_submitted_team_assessments_are_left_alone(self):
        self.generate(submit=True)
        approved(self.pending)
        outcome = self.generate()
        self.assertEqual(outcome.written, [])
        self.assertEqual(self.of(team=self.team).score, Decimal("82.0"))

    def test_the_other_district_neither_generates_nor_sees_them(self):
        self.generate()
        self.generate("other_clerk", code=YUQUAN)
        self.assertTrue(CommissionerAssessment.objects.filter(workstation__name="玉泉区工作站").exists())
        visible = access.scope_queryset(self.users["other_clerk"], CommissionerAssessment.objects.all())
        self.assertFalse(visible.filter(team=self.team).exists())
        self.assertFalse(visible.filter(workstation=self.station).exists())

    def test_a_team_serving_a_district_belongs_to_it(self):
        self.team.divisions.set([division(YUQUAN)])
        self.generate("other_clerk", code=YUQUAN)
        self.assertEqual(self.of(team=self.team).score, Decimal("82.0"))  # the same records, wherever


class GroupConfirmationTest(GroupAssessmentData):
    def setUp(self):
        self.generate(submit=True)

    def test_a_reviewer_overrides_the_team_grade_with_a_reason(self):
        team = self.of(team=self.team)
        with self.assertRaisesMessage(ValidationError, "理由"):
            assessment.confirm(team, self.users["reviewer"], Grade.EXCELLENT, "")
        assessment.confirm(team, self.users["reviewer"], Grade.EXCELLENT, "获自治区优秀特派团")
        stored = self.of(team=self.team)
        self.assertEqual(stored.review_status, ReviewStatus.APPROVED)
        self.assertEqual((stored.proposed_grade, stored.grade), (Grade.GOOD, Grade.EXCELLENT))
        self.assertEqual(stored.override_reason, "获自治区优秀特派团")
        self.assertEqual(stored.confirmed_by, self.users["reviewer"])

    def test_the_workstation_grade_is_confirmed_within_the_district_only(self):
        station = self.of(workstation=self.station)
        with self.assertRaises(PermissionDenied):
            assessment.confirm(station, self.users["other_reviewer"])
        assessment.confirm(station, self.users["reviewer"])
        self.assertEqual(self.of(workstation=self.station).review_status, ReviewStatus.APPROVED)

    def test_whoever_generated_it_may_not_confirm_it(self):
        CommissionerAssessment.objects.all().delete()
        both = make_user("xc_both", roles.DATA_ENTRY, roles.REVIEWER, divisions=[division(XINCHENG)])
        assessment.generate(both, YEAR, division(XINCHENG), submit=True)
        with self.assertRaisesMessage(PermissionDenied, "四眼原则"):
            assessment.confirm(self.of(team=self.team), both)


class ExactlyOneAssessedTest(GroupAssessmentData):
    def test_an_assessment_names_exactly_one_commissioner_team_or_workstation(self):
        leader = Commissioner.objects.get(talent__name="张团长")
        both = CommissionerAssessment(commissioner=leader, team=self.team, year=2020, grade=Grade.PASS)
        neither = CommissionerAssessment(year=2020, grade=Grade.PASS)
        for record in (both, neither):
            with self.subTest(record=record), translation.override("zh-hans"):
                with self.assertRaisesMessage(ValidationError, "特派团"):
                    record.full_clean()
            with self.subTest(record=record), self.assertRaises(IntegrityError), transaction.atomic():
                record.save()
        CommissionerAssessment.objects.create(team=self.team, year=2020, grade=Grade.PASS)
        with translation.override("zh-hans"), self.assertRaisesMessage(ValidationError, "已有"):
            CommissionerAssessment(team=self.team, year=2020, grade=Grade.GOOD).full_clean()


class GroupFilesTest(GroupAssessmentData):
    def setUp(self):
        cache.clear()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        self.generate(submit=True)
        assessment.confirm(self.of(team=self.team), self.users["reviewer"], Grade.EXCELLENT, "获自治区优秀特派团")
        self.client.force_login(self.users["reviewer"])

    def test_the_district_list_has_the_team_and_the_workstation_after_the_commissioners(self):
        response = self.client.get(
            admin_url(CommissionerAssessment, "district_list"),
            {"year": str(YEAR), "district": assessment.district_key(division(XINCHENG))},
        )
        rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
        body = rows[2:]
        self.assertEqual([row[0] for row in body[-2:]], ["新城区农牧科技特派团", "新城区院士专家工作站"])
        self.assertEqual({row[0] for row in body[:-2]}, {"张团长", "刘成员", "陈专家"})
        team, station = body[-2], body[-1]
        self.assertEqual(team[1:6], ("科技特派团", 82.0, "良好", "优秀", "获自治区优秀特派团"))
        self.assertEqual(station[1:5], ("院士专家工作站", 46.0, "不合格", "不合格"))

    def test_the_team_gets_a_form_of_its_own(self):
        team = self.of(team=self.team)
        response = self.client.get(admin_url(CommissionerAssessment, "form", team.pk))
        self.assertEqual(response.status_code, 200)
        text = docx_text(response.content)
        self.assertIn("呼和浩特市科技特派团年度考核表", text)
        self.assertIn("姓名或单位 | 新城区农牧科技特派团 | 类别 | 科技特派团", text)
        self.assertIn("负责人 | 张团长 | 服务区域 | 保合少镇", text)
        self.assertIn("所属旗县区 | 新城区", text)
        self.assertIn("服务情况 | 服务天数 | 7 | 10.0 | 60 | 42.0", text)
        self.assertIn("获自治区优秀特派团", text)
        self.assertNotIn("{{", text)

    def test_the_workstation_form_names_its_host_and_filing_level(self):
        station = self.of(workstation=self.station)
        text = docx_text(self.client.get(admin_url(CommissionerAssessment, "form", station.pk)).content)
        self.assertIn("呼和浩特市院士专家工作站年度考核表", text)
        self.assertIn("依托单位 | 新城区农牧业合作社 | 备案级别 | 市级", text)
        self.assertNotIn("{{", text)

    def test_the_changelist_filters_by_what_is_assessed(self):
        page = self.client.get(admin_url(CommissionerAssessment, "changelist"), {"assessed": "team"})
        self.assertEqual([a.team for a in page.context["cl"].result_list], [self.team])
        self.assertContains(page, "新城区农牧科技特派团")
