"""The review rules of registry/review.py: who moves which record from which state, and what is kept."""

import threading
from typing import Any

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test import TestCase, TransactionTestCase, skipUnlessDBFeature
from django.utils import translation

from registry import review, roles
from registry.models import AuditEvent, ReviewStatus, ReviewTransition, ServiceRecord
from registry.tests.review_support import (
    YUQUAN,
    approved,
    edited_by,
    load_reference_data,
    review_cast,
    service_record,
    set_status,
)

DRAFT, SUBMITTED, APPROVED, RETURNED = (
    ReviewStatus.DRAFT,
    ReviewStatus.SUBMITTED,
    ReviewStatus.APPROVED,
    ReviewStatus.RETURNED,
)


class ReviewRulesTests(TestCase):
    users: dict[str, Any]

    @classmethod
    def setUpTestData(cls):
        cls.users = review_cast()

    def setUp(self):
        cache.clear()
        translation.activate("zh-hans")
        self.addCleanup(translation.deactivate)
        self.record = service_record()

    def state(self):
        return ServiceRecord.objects.get(pk=self.record.pk).review_status

    def refused(self, exception, action, user, opinion="", record=None):
        """Assert the move is refused with `exception` and changes nothing; return the message."""
        record = record or self.record
        before = ServiceRecord.objects.get(pk=record.pk).review_status
        with self.assertRaises(exception) as caught:
            review.move(record, self.users[user], action, opinion)
        self.assertEqual(ServiceRecord.objects.get(pk=record.pk).review_status, before)
        return review.error_message(caught.exception)

    # --- the happy path, and what each move keeps

    def test_new_records_are_drafts(self):
        self.assertEqual(self.record.review_status, DRAFT)

    def test_clerk_submits_reviewer_approves(self):
        review.submit(self.record, self.users["clerk"])
        self.assertEqual((self.record.review_status, self.state()), (SUBMITTED, SUBMITTED))
        review.approve(self.record, self.users["reviewer"], "材料齐全")
        self.assertEqual(self.state(), APPROVED)
        steps = list(review.steps(self.record).values_list("action", "from_status", "to_status", "username", "opinion"))
        self.assertEqual(
            steps,
            [
                ("submit", DRAFT, SUBMITTED, "xc_clerk", ""),
                ("approve", SUBMITTED, APPROVED, "xc_reviewer", "材料齐全"),
            ],
        )

    def test_each_move_is_in_the_history_with_its_user_and_opinion(self):
        review.submit(self.record, self.users["clerk"])
        review.send_back(self.record, self.users["reviewer"], "缺少现场照片")
        rows = list(self.record.history.order_by("history_id").values_list("review_status", "history_user__username"))
        self.assertEqual(rows, [(DRAFT, None), (SUBMITTED, "xc_clerk"), (RETURNED, "xc_reviewer")])
        self.assertEqual(self.record.history.latest().history_change_reason, "退回: 缺少现场照片")

    def test_each_move_is_in_the_audit_log(self):
        review.submit(self.record, self.users["clerk"])
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.REVIEW)
        self.assertEqual((event.user, event.model, event.rows), (self.users["clerk"], "registry.servicerecord", 1))
        self.assertIn("田间指导", event.detail)
        self.assertIn("草稿 → 待审核", event.detail)

    def test_sent_back_record_is_fixed_and_submitted_again(self):
        review.submit(self.record, self.users["clerk"])
        review.send_back(self.record, self.users["reviewer"], "服务人数有误")
        self.assertTrue(review.is_editable(self.record))
        record = ServiceRecord.objects.get(pk=self.record.pk)
        record.people_trained = 30
        record.save()
        review.submit(record, self.users["clerk"])
        review.approve(record, self.users["reviewer"])
        self.assertEqual(self.state(), APPROVED)

    def test_reopened_record_is_returned_and_no_longer_counted(self):
        approved(self.record)
        review.reopen(self.record, self.users["reviewer"], "发现重复登记")
        self.assertEqual(self.state(), RETURNED)
        self.assertFalse(review.counted(ServiceRecord.objects.filter(pk=self.record.pk)).exists())
        self.assertEqual(review.steps(self.record).get().opinion, "发现重复登记")

    # --- refusals: permission, district, state, opinion

    def test_clerk_cannot_approve_send_back_or_reopen(self):
        set_status(self.record, SUBMITTED)
        message = self.refused(PermissionDenied, "approve", "clerk")
        self.assertIn("无权审核", message)
        self.refused(PermissionDenied, "send_back", "clerk", "x")
        approved(self.record)
        self.refused(PermissionDenied, "reopen", "clerk", "x")

    def test_reviewer_without_change_permission_cannot_submit(self):
        self.assertIn("无权提交", self.refused(PermissionDenied, "submit", "reviewer"))

    def test_clerk_of_another_district_cannot_submit(self):
        message = self.refused(PermissionDenied, "submit", "other_clerk")
        self.assertIn("不在您的辖区", message)
        self.assertIn("玉泉区", message)

    def test_reviewer_of_another_district_cannot_review(self):
        set_status(self.record, SUBMITTED)
        self.refused(PermissionDenied, "approve", "other_reviewer")
        self.refused(PermissionDenied, "send_back", "other_reviewer", "x")
        review.approve(self.record, self.users["city_reviewer"])  # an unscoped reviewer may
        self.assertEqual(self.state(), APPROVED)

    def test_reviewer_of_the_district_reviews_records_there_only(self):
        elsewhere = service_record(YUQUAN, title="玉泉培训")
        set_status(elsewhere, SUBMITTED)
        self.refused(PermissionDenied, "approve", "reviewer", record=elsewhere)
        review.approve(elsewhere, self.users["other_reviewer"])
        self.assertEqual(ServiceRecord.objects.get(pk=elsewhere.pk).review_status, APPROVED)

    def test_moves_only_from_their_states(self):
        self.assertIn("只有已提交", self.refused(ValidationError, "approve", "reviewer"))
        self.refused(ValidationError, "send_back", "reviewer", "x")
        self.refused(ValidationError, "reopen", "reviewer", "x")
        review.submit(self.record, self.users["clerk"])
        self.assertIn("只有草稿", self.refused(ValidationError, "submit", "clerk"))
        review.approve(self.record, self.users["reviewer"])
        self.refused(ValidationError, "approve", "city_reviewer")
        self.refused(ValidationError, "submit", "clerk")

    def test_sending_back_needs_an_opinion_and_reopening_a_reason(self):
        set_status(self.record, SUBMITTED)
        self.assertIn("意见", self.refused(ValidationError, "send_back", "reviewer", "   "))
        approved(self.record)
        self.assertIn("原因", self.refused(ValidationError, "reopen", "reviewer", ""))

    def test_unknown_action_is_refused(self):
        self.refused(ValidationError, "publish", "admin")

    # --- four eyes

    def test_nobody_approves_what_they_submitted(self):
        reviewer_clerk = self.users["reviewer"]
        reviewer_clerk.groups.add(Group.objects.get(name=roles.DATA_ENTRY.name))
        reviewer_clerk = type(reviewer_clerk).objects.get(pk=reviewer_clerk.pk)  # fresh permission cache
        review.submit(self.record, reviewer_clerk)
        self.users["reviewer"] = reviewer_clerk
        self.assertIn("四眼", self.refused(PermissionDenied, "approve", "reviewer"))
        review.approve(self.record, self.users["city_reviewer"])

    def test_not_even_a_superuser_approves_what_they_submitted(self):
        review.submit(self.record, self.users["admin"])
        self.refused(PermissionDenied, "approve", "admin")

    def test_nobody_approves_what_they_last_changed(self):
        record = ServiceRecord.objects.get(pk=self.record.pk)
        edited_by(record, self.users["admin"])
        record.place = "新城区保合少镇"
        record.save()
        review.submit(record, self.users["clerk"])
        self.refused(PermissionDenied, "approve", "admin")
        review.approve(record, self.users["reviewer"])
        self.assertEqual(self.state(), APPROVED)

    def test_the_last_change_is_found_behind_earlier_moves(self):
        # admin edits, clerk submits, reviewer sends back, clerk edits, clerk submits: the admin may approve.
        record = ServiceRecord.objects.get(pk=self.record.pk)
        edited_by(record, self.users["admin"])
        record.save()
        review.submit(record, self.users["clerk"])
        review.send_back(record, self.users["reviewer"], "补充")
        record = ServiceRecord.objects.get(pk=record.pk)
        edited_by(record, self.users["clerk"])
        record.outcomes = "补充了成效"
        record.save()
        review.submit(record, self.users["clerk"])
        self.assertEqual(review.authors(record), {self.users["clerk"].pk})
        review.approve(record, self.users["admin"])

    def test_buttons_follow_the_rules(self):
        self.assertEqual(review.allowed_actions(self.record, self.users["clerk"]), ["submit"])
        self.assertEqual(review.allowed_actions(self.record, self.users["reviewer"]), [])
        review.submit(self.record, self.users["clerk"])
        self.assertEqual(review.allowed_actions(self.record, self.users["reviewer"]), ["approve", "send_back"])
        self.assertEqual(review.allowed_actions(self.record, self.users["other_reviewer"]), [])
        self.assertEqual(review.allowed_actions(self.record, self.users["clerk"]), [])

    # --- read-only once submitted or approved

    def test_submitted_and_approved_records_refuse_every_save(self):
        for status in (SUBMITTED, APPROVED):
            set_status(self.record, status)
            record = ServiceRecord.objects.get(pk=self.record.pk)
            record.place = "改动"
            with self.subTest(status=status), self.assertRaises(PermissionDenied):
                record.save()
            self.assertFalse(review.is_editable(record))
            self.assertNotEqual(ServiceRecord.objects.get(pk=record.pk).place, "改动")

    def test_a_save_never_sets_the_state(self):
        record = ServiceRecord.objects.get(pk=self.record.pk)
        record.review_status = APPROVED
        record.save()
        self.assertEqual(self.state(), DRAFT)

    def test_an_old_version_restored_keeps_the_current_state(self):
        review.submit(self.record, self.users["clerk"])
        review.send_back(self.record, self.users["reviewer"], "改")
        old_version = self.record.history.earliest().instance  # a draft, as it was created
        self.assertFalse(review.edit_refusal(old_version))
        old_version.save()
        self.assertEqual(self.state(), RETURNED)

    def test_an_old_version_of_an_approved_record_is_not_editable(self):
        approved(self.record)
        old_version = self.record.history.earliest().instance  # the row says draft
        self.assertEqual(old_version.review_status, DRAFT)
        self.assertFalse(review.is_editable(old_version))
        with self.assertRaises(PermissionDenied):
            old_version.save()

    def test_parts_follow_their_record(self):
        from registry.models import Organization, Talent, Workstation, WorkstationMember

        host = Organization.objects.get(name="新城区农业合作社")
        station = Workstation.objects.create(name="新城区工作站", kind="enterprise_commissioner", host=host)
        member = WorkstationMember.objects.create(workstation=station, talent=Talent.objects.get())
        self.assertTrue(review.is_editable(member))
        approved(station)
        member = WorkstationMember.objects.get(pk=member.pk)
        self.assertFalse(review.is_editable(member))
        self.assertIn("已通过审核", review.edit_refusal(member) or "")

    def test_models_without_review_are_always_editable_and_counted(self):
        from registry.models import Organization

        organization = Organization.objects.first()
        self.assertTrue(review.is_editable(organization))
        self.assertEqual(review.counted(Organization.objects.all()).count(), Organization.objects.count())
        self.assertEqual(review.counted_filter(Organization), {})


class CountingTests(TestCase):
    def test_counted_keeps_approved_and_on_request_submitted(self):
        records = {status: set_status(service_record(title=f"记录{status}"), status) for status in ReviewStatus.values}
        everything = ServiceRecord.objects.all()
        self.assertEqual(set(review.counted(everything)), {records[APPROVED]})
        self.assertEqual(
            set(review.counted(everything, include_submitted=True)), {records[APPROVED], records[SUBMITTED]}
        )
        with review.counting(True):
            self.assertEqual(review.counted(everything).count(), 2)
            self.assertEqual(review.counted(everything, include_submitted=False).count(), 1)
        self.assertEqual(review.counted(everything).count(), 1)
        self.assertEqual(review.counted_filter(ServiceRecord), {"review_status__exact": "approved"})
        self.assertEqual(review.counted_filter(ServiceRecord, True), {"review_status__in": "approved,submitted"})


class QueueCountTests(TestCase):
    users: dict[str, Any]

    @classmethod
    def setUpTestData(cls):
        cls.users = review_cast()

    def setUp(self):
        cache.clear()

    def test_queue_counts_submitted_records_of_the_reviewers_districts(self):
        mine = set_status(service_record(), SUBMITTED)
        set_status(service_record(YUQUAN, title="玉泉"), SUBMITTED)
        service_record(title="草稿")
        queue = review.queue_counts(self.users["reviewer"])
        self.assertEqual(queue.total, 1)
        entry = next(e for e in queue.entries if e.model is ServiceRecord)
        self.assertEqual(entry.count, 1)
        self.assertTrue(entry.url.endswith("?review_status__exact=submitted"))
        self.assertEqual(review.queue_counts(self.users["city_reviewer"]).total, 2)
        self.assertEqual(review.queue_counts(self.users["clerk"]), review.Queue(0, ()))
        # A move starts a new generation once committed: the cached count is not used afterwards.
        with self.captureOnCommitCallbacks(execute=True):
            review.approve(mine, self.users["reviewer"])
        self.assertEqual(review.queue_counts(self.users["reviewer"]).total, 0)

    def test_returned_counts_are_the_clerks_records_to_fix(self):
        set_status(service_record(), RETURNED)
        set_status(service_record(YUQUAN, title="玉泉"), RETURNED)
        self.assertEqual(review.returned_counts(self.users["clerk"]).total, 1)
        self.assertEqual(review.returned_counts(self.users["reviewer"]).total, 0)

    def test_queue_counts_are_cheap_when_cached(self):
        review.queue_counts(self.users["reviewer"])
        with self.assertNumQueries(0):
            review.queue_counts(self.users["reviewer"])


class RoleTests(TestCase):
    def test_reviewers_and_administrators_get_the_approve_permission_of_every_reviewed_model(self):
        codenames = {f"approve_{model._meta.model_name}" for model in review.reviewed_models()}
        self.assertEqual(len(codenames), 10)
        for role, expected in ((roles.REVIEWER, True), (roles.ADMINISTRATOR, True), (roles.DATA_ENTRY, False)):
            held = set(Group.objects.get(name=role.name).permissions.values_list("codename", flat=True))
            with self.subTest(role=role.name):
                self.assertEqual(codenames <= held, expected)
                if not expected:
                    self.assertFalse(codenames & held)


@skipUnlessDBFeature("has_select_for_update")
class ConcurrentReviewTests(TransactionTestCase):
    """Two reviewers approve the same record at the same moment, on two real connections."""

    def setUp(self):
        load_reference_data()

    def test_only_one_of_two_concurrent_approvals_happens(self):
        users = review_cast()
        record = set_status(service_record(), SUBMITTED)
        barrier = threading.Barrier(2)
        outcomes = []

        def approve_as(name):
            try:
                barrier.wait(timeout=10)
                review.approve(ServiceRecord.objects.get(pk=record.pk), users[name])
                outcomes.append("approved")
            except (PermissionDenied, ValidationError) as error:
                outcomes.append(review.error_message(error))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=approve_as, args=(name,)) for name in ("reviewer", "city_reviewer")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(outcomes.count("approved"), 1, outcomes)
        self.assertEqual(ReviewTransition.objects.filter(action="approve").count(), 1)
        self.assertEqual(ServiceRecord.objects.get(pk=record.pk).review_status, APPROVED)
        self.assertEqual(connection.vendor, "postgresql")
