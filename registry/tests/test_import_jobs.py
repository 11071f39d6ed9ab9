"""Big files in the background: a file over IMPORT_BACKGROUND_ROWS is checked and written by a task,
its progress kept in the database (a reload or another app server shows it), listed among the
user's imports; a worker killed while writing leaves nothing written and the job can be started
again; two workers write a job once; nobody else can see or start someone's job."""

from datetime import timedelta
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.utils import timezone

from registry import roles
from registry.importing import engine, jobs
from registry.importing.models import PendingImport
from registry.models import Organization, Talent
from registry.tests.access_support import make_user
from registry.tests.review_support import XINCHENG, division

from .impexp_support import csv_text

QUEUED_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMPORT = "/admin/registry/talent/import/"
State = PendingImport.State


def queued():
    """(task name, job pk) of the tasks the dummy backend holds."""
    return [(result.task.name, result.args[0]) for result in jobs.check_file.get_backend().results]  # type: ignore[attr-defined]


@override_settings(IMPORT_BACKGROUND_ROWS=3)
class BackgroundImportTests(TestCase):
    employer: Organization
    clerk: Any
    other: Any

    @classmethod
    def setUpTestData(cls):
        cls.employer = Organization.objects.create(name="新城区乳业公司", division=division(XINCHENG))
        cls.clerk = make_user("xc_job_clerk", roles.DATA_ENTRY, divisions=[division(XINCHENG)])
        cls.other = make_user("xc_job_clerk2", roles.DATA_ENTRY, divisions=[division(XINCHENG)])

    def upload(self, names):
        data = csv_text([["姓名", "工作单位"], *[[name, self.employer.name] for name in names]]).encode()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(IMPORT, {"import_file": SimpleUploadedFile("名单.csv", data, "text/csv")})
        self.assertEqual(response.status_code, 302)
        return PendingImport.objects.get(token=response["Location"].split("token=")[1])

    def page(self, job):
        return self.client.get(f"{IMPORT}?token={job.token}")

    def confirm(self, job):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post("/admin/registry/talent/process_import/", {"token": job.token})

    @override_settings(TASKS=QUEUED_ONLY)
    def test_a_worker_checks_and_writes_while_the_page_shows_the_progress(self):
        self.client.force_login(self.clerk)
        job = self.upload(["甲", "乙", "丙", "丁"])
        self.assertEqual((job.state, job.rows_total), (State.VALIDATING, 4))
        self.assertEqual(queued(), [("check_file", job.pk)])
        waiting = self.page(job)
        self.assertContains(waiting, '<meta http-equiv="refresh" content="2">')
        self.assertContains(waiting, "共 4 行")
        self.assertContains(self.client.get(IMPORT), "正在检查文件")  # listed among the user's imports
        jobs.check_file.call(job.pk)
        job.refresh_from_db()
        self.assertEqual((job.state, job.upload, job.rows_done), (State.READY, None, 4))
        preview = self.page(job)
        self.assertContains(preview, '<td id="count-new">4</td>')
        self.confirm(job)
        job.refresh_from_db()
        self.assertEqual(job.state, State.APPLYING)
        self.assertEqual(queued()[-1], ("write_plan", job.pk))
        self.assertContains(self.page(job), "在一个事务中写入")
        self.assertFalse(Talent.objects.exists())
        jobs.write_plan.call(job.pk)
        job.refresh_from_db()
        self.assertEqual((job.state, job.result), (State.DONE, {"new": 4, "updated": 0}))
        self.assertEqual(Talent.objects.filter(employer=self.employer).count(), 4)
        self.assertEqual(Talent.history.filter(history_user=self.clerk).count(), 4)
        done = self.page(job)
        self.assertContains(done, "导入完成：新增 4 条")
        self.assertNotContains(done, 'http-equiv="refresh"')
        # Confirming again writes nothing a second time.
        self.confirm(job)
        self.assertEqual(Talent.objects.count(), 4)

    def test_without_a_worker_the_same_steps_run_in_the_request(self):
        self.client.force_login(self.clerk)
        job = self.upload(["甲", "乙", "丙", "丁"])
        self.assertEqual(job.state, State.READY)
        self.assertContains(self.page(job), '<td id="count-new">4</td>')
        self.confirm(job)
        job.refresh_from_db()
        self.assertEqual(job.state, State.DONE)
        self.assertEqual(Talent.objects.count(), 4)

    def test_a_small_file_is_checked_in_the_request(self):
        self.client.force_login(self.clerk)
        with override_settings(TASKS=QUEUED_ONLY):
            job = self.upload(["甲", "乙"])
            self.assertEqual((job.state, queued()), (State.READY, []))

    @override_settings(TASKS=QUEUED_ONLY)
    def test_a_worker_killed_while_writing_leaves_nothing_and_the_job_starts_again(self):
        self.client.force_login(self.clerk)
        job = self.upload(["甲", "乙", "丙", "丁"])
        jobs.check_file.call(job.pk)
        self.confirm(job)
        with mock.patch.object(engine, "apply_plan", side_effect=SystemExit("killed")):
            with self.assertRaises(SystemExit):
                jobs.write_plan.call(job.pk)
        self.assertFalse(Talent.objects.exists())
        job.refresh_from_db()
        self.assertEqual(job.state, State.APPLYING)
        # Not yet stale: no restart.
        self.client.post(f"/admin/registry/talent/import/restart/{job.token}/")
        self.assertEqual(len([name for name, _pk in queued() if name == "write_plan"]), 1)
        PendingImport.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        self.assertContains(self.page(job), "重新开始")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/admin/registry/talent/import/restart/{job.token}/")
        self.assertEqual(len([name for name, _pk in queued() if name == "write_plan"]), 2)
        jobs.write_plan.call(job.pk)
        jobs.write_plan.call(job.pk)  # a second worker given the same job writes nothing
        self.assertEqual(Talent.objects.count(), 4)
        job.refresh_from_db()
        self.assertEqual(job.state, State.DONE)

    @override_settings(TASKS=QUEUED_ONLY)
    def test_a_broken_file_fails_with_its_reason(self):
        self.client.force_login(self.clerk)
        job = self.upload(["甲", "乙", "丙", "丁"])
        PendingImport.objects.filter(pk=job.pk).update(upload=b"PK\x03\x04broken")
        jobs.check_file.call(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.state, State.FAILED)
        self.assertContains(self.page(job), job.message)
        self.assertFalse(Talent.objects.exists())

    @override_settings(TASKS=QUEUED_ONLY)
    def test_another_user_cannot_see_confirm_or_restart_the_job(self):
        self.client.force_login(self.clerk)
        job = self.upload(["甲", "乙", "丙", "丁"])
        jobs.check_file.call(job.pk)
        self.client.force_login(self.other)
        page = self.page(job)
        self.assertEqual(page.status_code, 302)  # "expired or does not exist"
        self.assertNotContains(self.client.get(IMPORT), "名单.csv")
        self.confirm(job)
        self.assertEqual(self.client.post(f"/admin/registry/talent/import/restart/{job.token}/").status_code, 404)
        job.refresh_from_db()
        self.assertEqual(job.state, State.READY)
