"""Merging duplicate organizations and talents: every reference moves, history tells the story,
unique rules, roles and district scope are obeyed."""

import itertools
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import models
from django.test import TestCase, override_settings

from registry import link_history, merging, review, roles
from registry.models import (
    AuditEvent,
    ContractType,
    Division,
    Organization,
    OrganizationAlias,
    Project,
    ProjectPartner,
    ReviewStatus,
    Talent,
    TechContract,
    TransferAgency,
    Workstation,
    WorkstationMember,
)
from registry.tests import review_support
from registry.tests.access_support import RecordBuilder, make_user, valid_id_number

from .admin_pages import admin_url, log_in_superuser

# A referencing record the generic builder cannot make by itself: the values it also needs.
REFERENCE_VALUES = {("commissioner", "organization"): {"talent": None, "kind": "legal_person"}}


def fields_pointing_at(model) -> list:
    """Every foreign key, one-to-one and automatic many-to-many field of every installed model that
    points at `model`, found without registry.merging (so the two are checked against each other)."""
    found = []
    for candidate in apps.get_models():
        if candidate.__name__.startswith("Historical"):
            continue
        for field in candidate._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is not model:
                continue
            if field.many_to_many and not field.remote_field.through._meta.auto_created:
                continue  # rows of the through model, whose own foreign key is in the list
            if field.concrete or field.many_to_many:
                found.append(field)
    return found


NUMBERS = itertools.count(1)  # shared by the builders, so that unique names stay unique


def referencing_record(field, target):
    """A new record of `field.model` whose `field` points at `target`."""
    builder = RecordBuilder()
    builder.counter = NUMBERS
    builder.made[type(target)] = target  # the builder's cache is keyed by model
    record = builder.get(field.model)
    if field.many_to_many:
        getattr(record, field.name).add(target)
        return record
    for name, value in REFERENCE_VALUES.get((field.model._meta.model_name, field.name), {}).items():
        setattr(record, name, value)
    setattr(record, field.name, target)
    record.save()
    return record


def points_at(record, field, target) -> bool:
    record = type(record)._default_manager.get(pk=record.pk)
    if field.many_to_many:
        return getattr(record, field.name).filter(pk=target.pk).exists()
    return getattr(record, field.attname) == target.pk


class EveryReferenceMovesTests(TestCase):
    """Walks the relations of all models: a model added later is covered, or this test fails."""

    def setUp(self):
        self.user = make_user("merger", roles.ADMINISTRATOR)

    def check_every_reference_moves(self, model, keep, other):
        fields = fields_pointing_at(model)
        self.assertEqual(
            {(f.model, f.name) for f in fields},
            {(r.model, r.field.name) for r in merging.references(model)},
            "registry.merging.references() and the models disagree",
        )
        records = [(field, referencing_record(field, other)) for field in fields]
        for field, record in records:
            self.assertTrue(points_at(record, field, other), f"{field.model.__name__}.{field.name} not set up")
        merging.merge(self.user, model, keep.pk, [other.pk])
        for field, record in records:
            self.assertTrue(points_at(record, field, keep), f"{field.model.__name__}.{field.name} did not move")
        self.assertFalse(model.objects.filter(pk=other.pk).exists())

    def test_every_reference_to_an_organization_moves_to_the_kept_one(self):
        keep = Organization.objects.create(name="呼和浩特金宇保灵生物药品有限公司")
        other = Organization.objects.create(name="呼和浩特金字保灵生物药品有限公司")
        self.assertGreaterEqual(len(fields_pointing_at(Organization)), 20)
        self.check_every_reference_moves(Organization, keep, other)

    def test_every_reference_to_a_talent_moves_to_the_kept_one(self):
        keep = Talent.objects.create(name="王建国")
        other = Talent.objects.create(name="王建囯")
        self.assertGreaterEqual(len(fields_pointing_at(Talent)), 8)
        self.check_every_reference_moves(Talent, keep, other)


class OrganizationMergeTests(TestCase):
    user: Any
    keep: Organization
    other: Organization
    both: TechContract
    one: TechContract
    talent: Talent

    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("merger", roles.ADMINISTRATOR)
        cls.keep = Organization.objects.create(name="金宇保灵生物药品有限公司")
        cls.other = Organization.objects.create(name="金字保灵生物药品有限公司", credit_code="91150100701463127H")
        OrganizationAlias.objects.create(organization=cls.other, name="金字保灵")
        kind = ContractType.objects.first()
        cls.both = TechContract.objects.create(title="疫苗技术开发合同", contract_type=kind)
        cls.both.buyers.set([cls.keep, cls.other])
        cls.one = TechContract.objects.create(title="兽药技术服务合同", contract_type=kind)
        cls.one.buyers.set([cls.other])
        cls.talent = Talent.objects.create(name="李明", employer=cls.other)

    def test_references_aliases_and_empty_fields_move_to_the_kept_organization(self):
        merging.merge(self.user, Organization, self.keep.pk, [self.other.pk])
        self.keep.refresh_from_db()
        self.assertEqual(list(self.both.buyers.all()), [self.keep], "a link the kept one has is not doubled")
        self.assertEqual(list(self.one.buyers.all()), [self.keep])
        self.assertEqual(Talent.objects.get(pk=self.talent.pk).employer, self.keep)
        self.assertEqual(
            set(self.keep.aliases.values_list("name", flat=True)), {"金字保灵", "金字保灵生物药品有限公司"}
        )
        self.assertEqual(self.keep.credit_code, "91150100701463127H", "an empty field is filled from the merged one")
        self.assertFalse(Organization.objects.filter(pk=self.other.pk).exists())

    def test_the_merge_can_be_read_in_the_history_of_every_record_it_touched(self):
        merging.merge(self.user, Organization, self.keep.pk, [self.other.pk])
        reason = "合并重复记录：“金字保灵生物药品有限公司”并入“金宇保灵生物药品有限公司”"
        kept = self.keep.history.latest()
        self.assertEqual((kept.history_type, kept.history_user, kept.history_change_reason), ("~", self.user, reason))
        gone = Organization.history.filter(id=self.other.pk).latest()
        self.assertEqual((gone.history_type, gone.history_change_reason), ("-", reason))
        contract = self.one.history.latest()
        self.assertEqual(
            (contract.history_type, contract.history_user, contract.history_change_reason)[1:], (self.user, reason)
        )
        links = link_history.links_at(TechContract, [contract.history_id])[(contract.history_id, "buyers")]
        self.assertEqual(links, {self.keep.pk})
        self.assertEqual(Talent.history.filter(id=self.talent.pk).latest().history_change_reason, reason)
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.MERGE)
        self.assertEqual(
            (event.user, event.model, event.rows, event.detail), (self.user, "registry.organization", 1, reason)
        )

        client = self.client
        client.force_login(self.user)
        page = client.get(admin_url(TechContract, "history", self.one.pk))
        self.assertContains(page, reason)
        self.assertContains(page, "移除：金字保灵生物药品有限公司（已删除）")
        self.assertContains(page, "新增：金宇保灵生物药品有限公司")

    def test_a_merge_that_would_give_one_organization_two_agencies_is_refused_with_the_list(self):
        TransferAgency.objects.create(organization=self.keep, level="city")
        TransferAgency.objects.create(organization=self.other, level="region")
        with self.assertRaises(merging.MergeRefused) as refused:
            merging.merge(self.user, Organization, self.keep.pk, [self.other.pk])
        [problem] = refused.exception.problems
        self.assertIn("技术转移服务机构", problem)
        self.assertIn("“金宇保灵生物药品有限公司”", problem)
        self.assertIn("“金字保灵生物药品有限公司”", problem)
        self.assertTrue(Organization.objects.filter(pk=self.other.pk).exists(), "nothing was written")
        self.assertEqual(Talent.objects.get(pk=self.talent.pk).employer, self.other)

    def test_a_merge_into_a_name_that_is_another_organizations_alias_is_refused(self):
        third = Organization.objects.create(name="第三方公司")
        OrganizationAlias.objects.create(organization=third, name=self.other.name.replace("有限公司", ""))
        OrganizationAlias.objects.filter(name="金字保灵").update(organization=third)
        extra = Organization.objects.create(name="金字保灵")
        with self.assertRaises(merging.MergeRefused) as refused:
            merging.merge(self.user, Organization, self.keep.pk, [extra.pk])
        self.assertIn("已是另一单位的别名", refused.exception.problems[0])


class TalentMergeTests(TestCase):
    user: Any
    employer: Organization
    number: str

    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("merger", roles.ADMINISTRATOR)
        cls.employer = Organization.objects.create(name="内蒙古大学")
        cls.number = valid_id_number("15010219800101123")

    def test_namesakes_with_different_identity_numbers_are_not_merged(self):
        first = Talent.objects.create(name="张伟", employer=self.employer, id_number=self.number)
        second = Talent.objects.create(
            name="张伟", employer=self.employer, id_number=valid_id_number("15010219810101123")
        )
        with self.assertRaises(merging.MergeRefused) as refused:
            merging.merge(self.user, Talent, first.pk, [second.pk])
        self.assertEqual(refused.exception.problems, ["所选人才的身份证件号码不同，不是同一人。"])
        self.assertNotIn(self.number, refused.exception.problems[0])

    def test_the_same_number_written_differently_merges_and_the_merged_name_is_noted(self):
        keep = Talent.objects.create(name="张伟", employer=self.employer, id_number=self.number)
        old_form = self.number[:6] + self.number[8:17]  # the 15-digit form of the same number
        other = Talent(name="张伟", id_type="other", id_number=old_form, phone="13912345678")
        other.save()
        merging.merge(self.user, Talent, keep.pk, [other.pk])
        keep.refresh_from_db()
        self.assertEqual(keep.id_number, self.number)
        self.assertEqual(keep.phone, "13912345678")
        self.assertIn(f"合并自“张伟”（无工作单位，原记录 #{other.pk}）", keep.notes)


@override_settings(ROOT_URLCONF="registry.tests.urls_access")
class MergeAccessTests(TestCase):
    division_a: Division
    division_b: Division
    keep: Organization
    other: Organization
    outside: Organization
    scoped_admin: Any
    clerk: Any
    reviewer: Any

    @classmethod
    def setUpTestData(cls):
        cls.division_a, cls.division_b = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        cls.keep = Organization.objects.create(name="甲区某公司", division=cls.division_a)
        cls.other = Organization.objects.create(name="甲区某公司（重复）", division=cls.division_a)
        cls.outside = Organization.objects.create(name="乙区某公司", division=cls.division_b)
        cls.scoped_admin = make_user("scoped_admin", roles.ADMINISTRATOR, divisions=[cls.division_a])
        cls.clerk = make_user("clerk", roles.DATA_ENTRY)
        cls.reviewer = make_user("reviewer", roles.REVIEWER)

    def fresh(self, user):
        return type(user).objects.get(pk=user.pk)

    def test_data_entry_and_reviewers_may_not_merge(self):
        for user in (self.clerk, self.reviewer):
            with self.assertRaises(merging.MergeRefused) as refused:
                merging.merge(self.fresh(user), Organization, self.keep.pk, [self.other.pk])
            self.assertEqual(refused.exception.problems, ["您无权合并单位。"])

    def test_a_scoped_user_may_not_merge_a_record_of_another_district(self):
        with self.assertRaises(merging.MergeRefused) as refused:
            merging.merge(self.fresh(self.scoped_admin), Organization, self.keep.pk, [self.outside.pk])
        self.assertIn("所选记录中有不在您辖区内的记录。", refused.exception.problems)

    def test_a_scoped_user_may_not_move_references_held_by_records_of_another_district(self):
        project = Project.objects.create(
            title="乙区揭榜项目", kind=Project.Kind.choices[0][0], problem_owner=self.outside
        )
        ProjectPartner.objects.create(project=project, organization=self.other)
        with self.assertRaises(merging.MergeRefused) as refused:
            merging.merge(self.fresh(self.scoped_admin), Organization, self.keep.pk, [self.other.pk])
        self.assertEqual(refused.exception.problems, ["指向被合并记录的 1 条项目合作方不在您的辖区内。"])
        self.assertTrue(Organization.objects.filter(pk=self.other.pk).exists())

    def test_a_scoped_administrator_merges_within_their_district(self):
        workstation = Workstation.objects.create(name="甲区工作站", kind="commissioner_expert", host=self.other)
        merging.merge(self.fresh(self.scoped_admin), Organization, self.keep.pk, [self.other.pk])
        self.assertEqual(Workstation.objects.get(pk=workstation.pk).host, self.keep)


class MergeAdminTests(TestCase):
    keep: Organization
    other: Organization
    talent: Talent

    @classmethod
    def setUpTestData(cls):
        cls.keep = Organization.objects.create(name="金宇保灵生物药品有限公司")
        cls.other = Organization.objects.create(name="金字保灵生物药品有限公司")
        cls.talent = Talent.objects.create(name="李明", employer=cls.other)

    def post_action(self, **extra):
        data = {"action": "merge_into", "_selected_action": [self.keep.pk, self.other.pk], **extra}
        return self.client.post(admin_url(Organization, "changelist"), data)

    def test_the_action_shows_what_the_merge_does_and_merges_on_confirmation(self):
        log_in_superuser(self.client)
        page = self.post_action(index="0", select_across="0")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "合并到…")
        self.assertContains(page, "人才 · 工作单位：1 条记录移到保留的记录")
        self.assertContains(page, "这些名称成为保留单位的别名： 金字保灵生物药品有限公司")

        chosen = self.post_action(keep=str(self.other.pk))
        self.assertEqual(chosen.context["keep"], self.other)

        done = self.post_action(keep=str(self.keep.pk), confirm="yes")
        self.assertRedirects(done, admin_url(Organization, "change", self.keep.pk), fetch_redirect_response=False)
        self.assertEqual(Talent.objects.get(pk=self.talent.pk).employer, self.keep)
        self.assertFalse(Organization.objects.filter(pk=self.other.pk).exists())

    def test_a_refused_merge_shows_the_reasons_and_writes_nothing(self):
        log_in_superuser(self.client)
        TransferAgency.objects.create(organization=self.keep, level="city")
        TransferAgency.objects.create(organization=self.other, level="city")
        page = self.post_action(keep=str(self.keep.pk))
        self.assertContains(page, "合并无法进行")
        self.assertNotContains(page, 'name="confirm"')
        refused = self.post_action(keep=str(self.keep.pk), confirm="yes")
        self.assertEqual(refused.status_code, 200)
        self.assertTrue(Organization.objects.filter(pk=self.other.pk).exists())

    def test_the_action_is_not_offered_to_data_entry(self):
        self.client.force_login(make_user("clerk", roles.DATA_ENTRY))
        page = self.client.get(admin_url(Organization, "changelist"))
        action_form = page.context["action_form"]
        self.assertTrue(action_form is None or "merge_into" not in dict(action_form.fields["action"].choices))
        self.assertContains(page, admin_url(Organization, "duplicates"))
        self.post_action(index="0", select_across="0", keep=str(self.keep.pk), confirm="yes")
        self.assertTrue(Organization.objects.filter(pk=self.other.pk).exists())


class ModelsTests(TestCase):
    def test_every_reference_field_is_a_relation_field(self):
        for model in (Organization, Talent):
            for reference in merging.references(model):
                self.assertIsInstance(reference.field, (models.ForeignKey, models.ManyToManyField))

    def test_a_workstation_with_both_people_as_members_is_a_conflict(self):
        user = make_user("merger", roles.ADMINISTRATOR)
        first, second = Talent.objects.create(name="赵一"), Talent.objects.create(name="赵一")
        workstation = Workstation.objects.create(name="专家工作站", kind="commissioner_expert")
        WorkstationMember.objects.create(workstation=workstation, talent=first)
        WorkstationMember.objects.create(workstation=workstation, talent=second)
        plan = merging.plan_merge(user, first, [second])
        self.assertEqual(len(plan.problems), 1)
        self.assertIn("工作站成员", plan.problems[0])
        self.assertIn("工作站、人才 不可重复", plan.problems[0])


class MergeReviewTests(TestCase):
    """Merging reviewed records (talents) goes through the review rules."""

    administrator: Any
    second_administrator: Any
    employer: Organization

    @classmethod
    def setUpTestData(cls):
        cls.administrator = make_user("merger", roles.ADMINISTRATOR)
        cls.second_administrator = make_user("approver", roles.ADMINISTRATOR)
        cls.employer = Organization.objects.create(name="内蒙古农业大学")

    def pair(self):
        keep = Talent.objects.create(name="王芳", employer=self.employer)
        other = Talent.objects.create(name="王芳", employer=None, phone="13912345678")
        return keep, other

    def test_an_approved_kept_talent_is_reopened_by_the_merge_and_counts_again_once_approved(self):
        keep, other = self.pair()
        review_support.approved(keep)
        review_support.approved(other)
        merging.merge(self.administrator, Talent, keep.pk, [other.pk])
        keep.refresh_from_db()
        self.assertEqual(keep.review_status, ReviewStatus.RETURNED)
        self.assertEqual(keep.phone, "13912345678")
        self.assertFalse(Talent.objects.filter(pk=other.pk).exists())
        step = review.steps(keep).last()
        self.assertEqual((step.action, step.user), (review.Action.REOPEN, self.administrator))
        self.assertIn("合并", step.opinion)
        # Four eyes: the one who merged (and so last changed it) resubmits; someone else approves.
        review.submit(keep, self.administrator)
        with self.assertRaises(PermissionDenied):
            review.approve(keep, self.administrator)
        review.approve(keep, self.second_administrator)
        self.assertEqual(Talent.objects.get(pk=keep.pk).review_status, ReviewStatus.APPROVED)

    def test_a_talent_waiting_for_review_is_not_merged(self):
        keep, other = self.pair()
        review_support.set_status(other, ReviewStatus.SUBMITTED)
        with self.assertRaises(merging.MergeRefused) as refused:
            merging.merge(self.administrator, Talent, keep.pk, [other.pk])
        self.assertEqual(refused.exception.problems, ["“王芳”正在等待审核：请先通过或退回，再合并。"])
        self.assertTrue(Talent.objects.filter(pk=other.pk).exists())

    def test_who_may_not_reopen_the_approved_kept_talent_may_not_merge_into_it(self):
        keep, other = self.pair()
        review_support.approved(keep)
        no_review = make_user("merger_without_review", roles.ADMINISTRATOR)
        no_review.groups.clear()
        no_review.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="registry", codename__in=["change_talent", "delete_talent", "view_talent"]
            )
        )
        with self.assertRaises(merging.MergeRefused) as refused:
            merging.merge(type(no_review).objects.get(pk=no_review.pk), Talent, keep.pk, [other.pk])
        self.assertEqual(len(refused.exception.problems), 1)
        self.assertIn("保留的记录已通过审核", refused.exception.problems[0])
        self.assertEqual(Talent.objects.get(pk=keep.pk).review_status, ReviewStatus.APPROVED)
        self.assertTrue(Talent.objects.filter(pk=other.pk).exists())
