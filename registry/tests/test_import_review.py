"""Imports meet the review workflow: rows land as drafts or submitted (the upload form's choice), a
reviewer may import as approved only submitted records someone else entered, and no import changes a
record waiting for review or approved (nor adds a member to an approved workstation)."""

import io
import re
import tempfile
from pathlib import Path

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase

from registry import review
from registry.importing import service
from registry.importing.forms import SpreadsheetImportForm
from registry.models import (
    AuditEvent,
    Organization,
    ReviewStatus,
    ReviewTransition,
    Talent,
    Workstation,
    WorkstationMember,
)
from registry.tests.review_support import XINCHENG, division, edited_by, review_cast, set_status

from .impexp_support import csv_text


def plan_of(model, rows, user, target=""):
    plan, _header, _rows = service.validate(model, csv_text(rows).encode(), "名单.csv", user, review_target=target)
    return plan


def imported(model, rows, user, target=""):
    plan = plan_of(model, rows, user, target)
    assert not plan.errors, [str(error) for error in plan.errors]
    return service.apply_plan(plan, user, "名单.csv")


class ImportReviewStateTests(TestCase):
    cast: dict
    employer: Organization

    @classmethod
    def setUpTestData(cls):
        cls.cast = review_cast()
        cls.employer = Organization.objects.create(name="新城区乳业公司", division=division(XINCHENG))

    def rows(self, *names, extra=None):
        header = ["姓名", "工作单位", *(extra or {}).keys()]
        return [header, *[[name, self.employer.name, *(extra or {}).values()] for name in names]]

    def test_by_default_new_records_are_drafts(self):
        imported(Talent, self.rows("张三"), self.cast["clerk"])
        self.assertEqual(Talent.objects.get(name="张三").review_status, ReviewStatus.DRAFT)
        self.assertFalse(ReviewTransition.objects.exists())

    def test_submitting_on_import_logs_each_submission(self):
        imported(Talent, self.rows("张三", "李四"), self.cast["clerk"], ReviewStatus.SUBMITTED)
        talents = Talent.objects.filter(name__in=["张三", "李四"])
        self.assertEqual({t.review_status for t in talents}, {ReviewStatus.SUBMITTED})
        steps = ReviewTransition.objects.filter(action=ReviewTransition.Action.SUBMIT)
        self.assertEqual(sorted(steps.values_list("object_id", flat=True)), sorted(t.pk for t in talents))
        self.assertEqual({s.user for s in steps}, {self.cast["clerk"]})
        self.assertIn("名单.csv", steps[0].opinion)
        self.assertTrue(AuditEvent.objects.filter(kind=AuditEvent.Kind.REVIEW, rows=2).exists())
        self.assertIsNone(review.refusal(talents[0], self.cast["reviewer"], "approve"))
        # Four eyes holds for records submitted by import: whoever imported them submitted them.
        imported(Talent, self.rows("王五"), self.cast["admin"], ReviewStatus.SUBMITTED)
        own = Talent.objects.get(name="王五")
        self.assertIn("四眼", review.refusal(own, self.cast["admin"], "approve") or "")

    def test_submitting_submits_the_files_unchanged_drafts_too(self):
        draft = Talent.objects.create(name="王五", employer=self.employer)
        returned = set_status(Talent.objects.create(name="赵六", employer=self.employer), ReviewStatus.RETURNED)
        plan = plan_of(Talent, self.rows("王五", "赵六"), self.cast["clerk"], ReviewStatus.SUBMITTED)
        self.assertEqual(plan.counts["updated"], 2)
        self.assertEqual(plan.changes[0].diffs[-1][1:], ("草稿", "待审核"))
        service.apply_plan(plan, self.cast["clerk"], "名单.csv")
        for record, old in ((draft, ReviewStatus.DRAFT), (returned, ReviewStatus.RETURNED)):
            record.refresh_from_db()
            self.assertEqual(record.review_status, ReviewStatus.SUBMITTED)
            step = ReviewTransition.objects.get(object_id=record.pk)
            self.assertEqual((step.from_status, step.to_status), (old, ReviewStatus.SUBMITTED))
            self.assertEqual(record.history.first().review_status, ReviewStatus.SUBMITTED)

    def test_a_record_waiting_for_review_or_approved_is_not_changed(self):
        waiting = set_status(Talent.objects.create(name="张三", employer=self.employer), ReviewStatus.SUBMITTED)
        done = set_status(Talent.objects.create(name="李四", employer=self.employer), ReviewStatus.APPROVED)
        for user in (self.cast["clerk"], self.cast["admin"]):
            plan = plan_of(Talent, self.rows("张三", "李四", extra={"职称": "研究员"}), user)
            messages = [str(error) for error in plan.errors]
            self.assertEqual(len(messages), 2, messages)
            self.assertIn("第 2 行", messages[0])
            self.assertIn("“张三", messages[0])
            self.assertIn("等待审核", messages[0])
            self.assertIn("已通过审核", messages[1])
            self.assertFalse(plan.has_changes)
        for record in (waiting, done):
            record.refresh_from_db()
            self.assertEqual(record.title, "")

    def test_an_unchanged_approved_row_is_simply_unchanged(self):
        set_status(Talent.objects.create(name="李四", employer=self.employer), ReviewStatus.APPROVED)
        plan = plan_of(Talent, self.rows("李四"), self.cast["clerk"])
        self.assertEqual((plan.errors, plan.counts["unchanged"]), ([], 1))

    def test_a_member_cannot_be_added_to_an_approved_workstation(self):
        station = Workstation.objects.create(name="新城区专家工作站", host=self.employer)
        person = Talent.objects.create(name="钱七", employer=self.employer)
        set_status(station, ReviewStatus.APPROVED)
        rows = [["工作站", "人才"], [station.name, f"{person.name} / {self.employer.name}"]]
        plan = plan_of(WorkstationMember, rows, self.cast["clerk"])
        self.assertEqual(len(plan.errors), 1, [str(error) for error in plan.errors])
        self.assertIn("已通过审核", str(plan.errors[0]))
        set_status(station, ReviewStatus.DRAFT)
        plan = plan_of(WorkstationMember, rows, self.cast["clerk"])
        self.assertEqual(plan.errors, [])
        # Approved between the preview and the confirmation: nothing is written.
        set_status(station, ReviewStatus.APPROVED)
        with self.assertRaises(service.ChangedSincePreview) as refused:
            service.apply_plan(plan, self.cast["clerk"], "名单.csv")
        self.assertIn("第 2 行", str(refused.exception))
        self.assertFalse(WorkstationMember.objects.exists())


class ImportAsApprovedTests(TestCase):
    cast: dict
    employer: Organization

    @classmethod
    def setUpTestData(cls):
        cls.cast = review_cast()
        cls.employer = Organization.objects.create(name="新城区乳业公司", division=division(XINCHENG))

    def submitted_by_clerk(self, name):
        talent = edited_by(Talent(name=name, employer=self.employer), self.cast["clerk"])
        talent.save()
        review.submit(talent, self.cast["clerk"])
        return talent

    def test_a_reviewer_approves_the_submitted_records_the_file_lists(self):
        first, second = self.submitted_by_clerk("张三"), self.submitted_by_clerk("李四")
        rows = [["姓名", "工作单位"], ["张三", self.employer.name], ["李四", self.employer.name]]
        result = imported(Talent, rows, self.cast["reviewer"], ReviewStatus.APPROVED)
        self.assertEqual(result["updated"], 2)
        for record in (first, second):
            record.refresh_from_db()
            self.assertEqual(record.review_status, ReviewStatus.APPROVED)
            step = review.steps(record).last()
            self.assertEqual((step.action, step.user), (ReviewTransition.Action.APPROVE, self.cast["reviewer"]))
        self.assertEqual(review.counted(Talent.objects.filter(pk__in=[first.pk, second.pk])).count(), 2)

    def test_approving_refuses_new_and_changed_rows_and_own_submissions(self):
        self.submitted_by_clerk("张三")
        Talent.objects.create(name="王五", employer=self.employer)
        own_submitted = edited_by(Talent(name="赵六", employer=self.employer), self.cast["admin"])
        own_submitted.save()
        review.submit(own_submitted, self.cast["admin"])
        rows = [
            ["姓名", "工作单位", "职称"],
            ["张三", self.employer.name, "研究员"],  # would change it
            ["新人", self.employer.name, ""],  # would add a record
            ["王五", self.employer.name, ""],  # a draft: nothing to approve
            ["赵六", self.employer.name, ""],  # the administrator's own submission
        ]
        plan = plan_of(Talent, rows, self.cast["admin"], ReviewStatus.APPROVED)
        messages = {error.row: error.message for error in plan.errors}
        self.assertEqual(sorted(messages), [2, 3, 4, 5])
        self.assertIn("修改", messages[2])
        self.assertIn("新增", messages[3])
        self.assertIn("草稿", messages[4])
        self.assertIn("四眼", messages[5])
        self.assertFalse(plan.has_changes)

    def test_a_reviewer_of_another_district_cannot_approve_by_file(self):
        self.submitted_by_clerk("张三")
        plan = plan_of(
            Talent, [["姓名", "工作单位"], ["张三", self.employer.name]], self.cast["other_reviewer"], "approved"
        )
        self.assertEqual(len(plan.errors), 1)
        self.assertIn("旗县区", plan.errors[0].message)

    def test_only_reviewers_are_offered_approving_and_data_entry_cannot_force_it(self):
        def offered(user):
            field = SpreadsheetImportForm(model=Talent, user=user).fields["review_target"]
            assert isinstance(field, forms.ChoiceField)
            return [value for value, _label in field.choices]  # type: ignore[misc]

        self.assertEqual(offered(self.cast["clerk"]), ["draft", "submitted"])
        self.assertIn("approved", offered(self.cast["reviewer"]))
        self.assertNotIn("review_target", SpreadsheetImportForm(model=Organization, user=self.cast["clerk"]).fields)
        with self.assertRaises(PermissionDenied):
            plan_of(Talent, [["姓名"], ["张三"]], self.cast["clerk"], "approved")

    def test_the_admin_upload_form_offers_the_choice_and_the_preview_names_it(self):
        self.client.force_login(self.cast["clerk"])
        page = self.client.get("/admin/registry/talent/import/")
        self.assertContains(page, "导入后的记录")
        self.assertNotContains(page, 'value="approved"')
        data = csv_text([["姓名", "工作单位"], ["张三", self.employer.name]]).encode()
        upload = SimpleUploadedFile("名单.csv", data, content_type="text/csv")
        response = self.client.post(
            "/admin/registry/talent/import/", {"import_file": upload, "review_target": "submitted"}
        )
        preview = self.client.get(response["Location"])
        self.assertContains(preview, "待审核")
        token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
        self.client.post("/admin/registry/talent/process_import/", {"token": token})
        self.assertEqual(Talent.objects.get(name="张三").review_status, ReviewStatus.SUBMITTED)
        forged = SimpleUploadedFile("名单.csv", data, content_type="text/csv")
        response = self.client.post(
            "/admin/registry/talent/import/", {"import_file": forged, "review_target": "approved"}
        )
        self.assertEqual(response.status_code, 200)  # the form refuses the choice it does not offer
        self.assertContains(response, "review_target")


class ImportCommandReviewTests(TestCase):
    def test_the_command_takes_the_same_choice_and_checks(self):
        cast = review_cast()
        employer = Organization.objects.create(name="新城区乳业公司", division=division(XINCHENG))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "名单.csv"
            path.write_text(csv_text([["姓名", "工作单位"], ["张三", employer.name]]), encoding="utf-8")
            call_command(
                "import_records",
                "talent",
                str(path),
                "--user",
                "xc_clerk",
                "--review-status",
                "submitted",
                stdout=io.StringIO(),
            )
            talent = Talent.objects.get(name="张三")
            self.assertEqual(talent.review_status, ReviewStatus.SUBMITTED)
            self.assertEqual(review.steps(talent).get().user, cast["clerk"])
            with self.assertRaises(CommandError) as refused:
                call_command(
                    "import_records",
                    "talent",
                    str(path),
                    "--user",
                    "xc_clerk",
                    "--review-status",
                    "approved",
                    stdout=io.StringIO(),
                )
            self.assertIn("无权", str(refused.exception))
