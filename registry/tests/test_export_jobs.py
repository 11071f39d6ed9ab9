"""Big exports in the background: a list export over EXPORT_BACKGROUND_ROWS is written by a task, its
progress kept in the database, the file kept for the user who asked only (checked again at download)
and listed among their exports; it holds what the in-request export holds (district scope, masked
personal data); the export is logged when the file is written; a killed worker's job can be started
again; expired files are removed."""

import io
from datetime import timedelta
from typing import Any
from unittest import mock

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone
from openpyxl import load_workbook

from registry import roles
from registry.importing import background, export_jobs, service, writing
from registry.models import AuditEvent, ExportJob, Organization, PendingImport, StaffScope, Talent
from registry.tests.access_support import make_user
from registry.tests.review_support import XINCHENG, YUQUAN, division

from .support import id_number

QUEUED_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
EXPORT = "/admin/registry/talent/export/"
XLSX, CSV = {"format": "0", "resource": "0"}, {"format": "1", "resource": "0"}
State = ExportJob.State


def queued():
    """The job pks of the export tasks the dummy backend holds."""
    return [result.args[0] for result in export_jobs.write_export.get_backend().results]  # type: ignore[attr-defined]


def sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))


@override_settings(EXPORT_BACKGROUND_ROWS=3)
class BackgroundExportTests(TestCase):
    city: Any
    reviewer: Any
    other: Any

    @classmethod
    def setUpTestData(cls):
        xincheng = Organization.objects.create(name="新城区乳业公司", division=division(XINCHENG))
        yuquan = Organization.objects.create(name="玉泉区软件公司", division=division(YUQUAN))
        for number, employer in enumerate([xincheng] * 4 + [yuquan] * 2):
            Talent.objects.create(
                name=f"人才{number}",
                employer=employer,
                id_number=id_number(sequence=f"{number:03d}"),
                phone=f"1390000000{number}",
            )
        cls.city = make_user("city_exporter", roles.REVIEWER, roles.PERSONAL_DATA)
        cls.reviewer = make_user("xc_exporter", roles.REVIEWER, divisions=[division(XINCHENG)])
        cls.other = make_user("xc_exporter2", roles.REVIEWER, divisions=[division(XINCHENG)])

    def export(self, form=XLSX, query=""):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(EXPORT + query, form)

    def start(self, form=XLSX, query=""):
        response = self.export(form, query)
        self.assertEqual(response.status_code, 302)
        return ExportJob.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[1])

    def page(self, job):
        return self.client.get(f"{EXPORT}{job.token}/")

    def download(self, job):
        return self.client.get(f"{EXPORT}{job.token}/file/")

    def in_request(self, form=XLSX, query=""):
        """The same export answered in the request (threshold above the list's size)."""
        with override_settings(EXPORT_BACKGROUND_ROWS=1000):
            response = self.export(form, query)
        self.assertEqual(response.status_code, 200)
        return response.content

    @override_settings(TASKS=QUEUED_ONLY)
    def test_a_worker_writes_the_file_while_the_page_shows_the_progress(self):
        self.client.force_login(self.city)
        job = self.start()
        self.assertEqual((job.state, job.user, job.data), (State.RUNNING, self.city, None))
        self.assertEqual(queued(), [job.pk])
        waiting = self.page(job)
        self.assertContains(waiting, '<meta http-equiv="refresh" content="2">')
        self.assertContains(waiting, "后台程序正在写入文件")
        self.assertContains(self.client.get(EXPORT), "正在写入文件")  # listed among the user's exports
        self.assertFalse(AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists())
        seen: list[tuple[int, int]] = []
        pages = []
        report = background.ProgressReport.__call__

        def watched(reporter, done, total):  # what a progress page reads while the worker writes
            report(reporter, done, total)
            seen.append(ExportJob.objects.values_list("rows_done", "rows_total").get(pk=job.pk))
            if done == 3:
                pages.append(self.page(job))

        with mock.patch.object(background, "PROGRESS_EVERY_SECONDS", 0):
            with mock.patch.object(background.ProgressReport, "__call__", watched):
                export_jobs.write_export.call(job.pk)
        self.assertEqual(seen, [(done, 6) for done in range(1, 7)])
        halfway = pages[0]
        self.assertContains(halfway, "已写入 3 行，共 6 行（50%）")
        self.assertContains(halfway, '<progress max="6" value="3">')
        job.refresh_from_db()
        self.assertEqual((job.state, job.rows_done, job.rows_total), (State.DONE, 6, 6))
        self.assertGreater(job.expires_at, timezone.now() + timedelta(hours=23))
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
        self.assertEqual(
            (event.user, event.model, event.rows, event.file_name), (self.city, "registry.talent", 6, job.file_name)
        )
        done = self.page(job)
        self.assertNotContains(done, 'http-equiv="refresh"')
        self.assertContains(done, "文件共 6 行")
        self.assertContains(done, f"{EXPORT}{job.token}/file/")
        self.assertEqual(len(sheet_rows(self.download(job).content)), 7)
        # Downloading again logs no second export; a second worker given the job writes nothing.
        self.download(job)
        export_jobs.write_export.call(job.pk)
        self.assertEqual(AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).count(), 1)

    def test_with_the_immediate_backend_the_file_is_the_in_request_export(self):
        self.client.force_login(self.city)
        job = self.start(XLSX, "?q=新城区")
        job.refresh_from_db()
        self.assertEqual((job.state, job.rows_total), (State.DONE, 4))
        response = self.download(job)
        self.assertEqual(response["Content-Type"], writing.XLSX_TYPE)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertEqual(sheet_rows(response.content), sheet_rows(self.in_request(XLSX, "?q=新城区")))
        csv_job = self.start(CSV)
        self.assertEqual(self.download(csv_job).content, self.in_request(CSV))
        self.assertIn("13900000000", self.download(csv_job).content.decode("utf-8-sig"))

    def test_a_small_export_is_answered_in_the_request(self):
        self.client.force_login(self.city)
        with override_settings(TASKS=QUEUED_ONLY):
            response = self.export(XLSX, "?q=玉泉区")
            self.assertEqual(queued(), [])
        self.assertEqual(response.status_code, 200)
        self.assertEqual((len(sheet_rows(response.content)), ExportJob.objects.count()), (3, 0))
        self.assertEqual(AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT).rows, 2)

    def test_another_user_gets_404_for_the_job_and_its_file(self):
        self.client.force_login(self.city)
        job = self.start()
        self.client.force_login(self.other)
        self.assertEqual(self.page(job).status_code, 404)
        self.assertEqual(self.download(job).status_code, 404)
        self.assertEqual(self.client.post(f"{EXPORT}{job.token}/restart/").status_code, 404)
        self.assertNotContains(self.client.get(EXPORT), job.file_name)
        # Nor under another list's address.
        self.client.force_login(self.city)
        self.assertEqual(self.client.get(f"/admin/registry/organization/export/{job.token}/file/").status_code, 404)

    def test_a_scoped_users_file_holds_their_districts_rows_without_personal_data(self):
        self.client.force_login(self.reviewer)
        job = self.start(CSV)
        job.refresh_from_db()
        self.assertEqual((job.state, job.rows_total), (State.DONE, 4))
        data = self.download(job).content
        self.assertEqual(data, self.in_request(CSV))
        text = data.decode("utf-8-sig")
        self.assertIn("新城区乳业公司", text)
        self.assertNotIn("玉泉区软件公司", text)
        self.assertNotIn("1390000000", text)  # phones blank: personal data
        self.assertEqual(job.grant, {"districts": [[division(XINCHENG).pk], []], "personal": False})

    def test_the_download_checks_the_users_access_again(self):
        self.client.force_login(self.reviewer)
        job = self.start()
        self.assertEqual(self.download(job).status_code, 200)
        scope = StaffScope.objects.get(user=self.reviewer)
        scope.divisions.set([division(YUQUAN)])  # moved to another district: the file is not theirs to see
        self.assertEqual(self.download(job).status_code, 403)
        scope.divisions.set([division(XINCHENG), division(YUQUAN)])
        self.assertEqual(self.download(job).status_code, 200)
        self.client.force_login(self.city)
        personal = self.start()
        self.city.groups.remove(Group.objects.get(name=roles.PERSONAL_DATA.name))
        self.assertEqual(self.download(personal).status_code, 403)  # it holds personal data
        self.city.user_permissions.set(Permission.objects.filter(codename="view_talent"))
        self.city.groups.clear()
        self.assertEqual(self.download(personal).status_code, 403)  # no export permission

    @override_settings(TASKS=QUEUED_ONLY)
    def test_a_killed_worker_leaves_no_file_and_the_job_starts_again(self):
        self.client.force_login(self.city)
        job = self.start()
        with mock.patch.object(writing, "export_file", side_effect=SystemExit("killed")):
            with self.assertRaises(SystemExit):
                export_jobs.write_export.call(job.pk)
        job.refresh_from_db()
        self.assertEqual((job.state, job.data), (State.RUNNING, None))
        self.assertFalse(AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists())
        self.assertEqual(self.download(job).status_code, 404)
        # Not yet stale: no restart.
        self.client.post(f"{EXPORT}{job.token}/restart/")
        self.assertEqual(queued(), [job.pk])
        ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        self.assertContains(self.page(job), "重新开始")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"{EXPORT}{job.token}/restart/")
        self.assertEqual(queued(), [job.pk, job.pk])
        export_jobs.write_export.call(job.pk)
        export_jobs.write_export.call(job.pk)  # a second worker given the same job writes nothing
        job.refresh_from_db()
        self.assertEqual(job.state, State.DONE)
        self.assertEqual(AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).count(), 1)
        self.assertEqual(self.download(job).status_code, 200)

    @override_settings(TASKS=QUEUED_ONLY)
    def test_a_failing_export_says_so(self):
        self.client.force_login(self.city)
        job = self.start()
        with mock.patch.object(writing, "export_file", side_effect=RuntimeError("disk full")):
            with self.assertRaises(RuntimeError):
                export_jobs.write_export.call(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.state, State.FAILED)
        self.assertContains(self.page(job), "导出失败")

    def test_an_expired_file_is_removed(self):
        self.client.force_login(self.city)
        job = self.start()
        ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        self.assertEqual(self.download(job).status_code, 404)
        self.assertEqual(self.page(job).status_code, 404)
        self.assertNotContains(self.client.get(EXPORT), job.file_name)
        # Removed with expired imports the next time an import or export is kept.
        plan = service.validate(Talent, "姓名,工作单位\n甲,新城区乳业公司\n".encode(), "a.csv", self.city)[0]
        service.store(plan, self.city, "a.csv")
        self.assertFalse(ExportJob.objects.filter(pk=job.pk).exists())
        fresh = self.start()
        ExportJob.objects.filter(pk=fresh.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        self.start()
        self.assertEqual(list(ExportJob.objects.values_list("state", flat=True)), [State.DONE])
        self.assertEqual(PendingImport.objects.count(), 1)
        # And by the daily command, on a registry where nobody imports or exports.
        ExportJob.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        PendingImport.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        output = io.StringIO()
        call_command("remove_expired_files", stdout=output)
        self.assertIn("已删除过期导入 1 个、过期导出文件 1 个", output.getvalue())
        self.assertFalse(ExportJob.objects.exists() or PendingImport.objects.exists())
