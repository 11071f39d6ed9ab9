"""The admin import flow end to end through the real views: upload, preview, confirm."""

import codecs
import io
import re

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from openpyxl import load_workbook

from registry.importing.models import PendingImport
from registry.models import AuditEvent, Organization, Talent

from .impexp_support import TALENT_HEADER, csv_text, ensure_permissions, staff, xlsx


@override_settings(ROOT_URLCONF="registry.tests.impexp_support")
class AdminImportTests(TestCase):
    clerk: User
    university: Organization

    @classmethod
    def setUpTestData(cls):
        ensure_permissions()
        cls.university = Organization.objects.create(name="内蒙古大学")
        cls.clerk = staff(
            "clerk",
            [
                "view_talent",
                "add_talent",
                "change_talent",
                "import_talent",
                "view_organization",
                "add_organization",
                "change_organization",
                "import_organization",
            ],
        )

    def setUp(self):
        self.client.force_login(self.clerk)

    def upload(self, url, name, data, **extra):
        return self.client.post(url, {"import_file": SimpleUploadedFile(name, data), **extra})

    def test_talents_from_xlsx_upload_preview_confirm(self):
        data = xlsx(
            [
                TALENT_HEADER,
                ["张三", "男", None, "内蒙古大学", None, "否", "2024/1/5", "13900000000"],
                ["李四", "女", None, "内蒙古大学", None, "是", None, None],
            ]
        )
        response = self.upload("/admin/registry/talent/import/", "人才.xlsx", data)
        self.assertEqual(response.status_code, 302)
        preview = self.client.get(response["Location"])
        self.assertContains(preview, '<td id="count-new">2</td>', html=True)
        self.assertContains(preview, "确认导入")
        self.assertFalse(Talent.objects.exists())
        token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
        done = self.client.post("/admin/registry/talent/process_import/", {"token": token})
        self.assertRedirects(done, "/admin/registry/talent/", fetch_redirect_response=False)
        self.assertEqual(Talent.objects.count(), 2)
        self.assertEqual(Talent.history.filter(history_user=self.clerk).count(), 2)
        self.assertFalse(PendingImport.objects.exists())
        self.assertTrue(
            AuditEvent.objects.filter(kind="import", user=self.clerk, rows=2, file_name="人才.xlsx").exists()
        )
        # The same file again: nothing changes, and the page says so without a confirm button.
        again = self.client.get(self.upload("/admin/registry/talent/import/", "人才.xlsx", data)["Location"])
        self.assertContains(again, '<td id="count-unchanged">2</td>', html=True)
        self.assertContains(again, "没有需要导入的变化")
        self.assertNotContains(again, "确认导入")

    def test_organizations_from_gbk_csv(self):
        data = csv_text([["名称", "类别", "旗县区"], ["呼和浩特某科技有限公司", "企业", "150100"]]).encode("gbk")
        preview = self.client.get(self.upload("/admin/registry/organization/import/", "单位.csv", data)["Location"])
        token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
        self.client.post("/admin/registry/organization/process_import/", {"token": token})
        created = Organization.objects.get(name="呼和浩特某科技有限公司")
        self.assertEqual((created.kind, created.division.code), ("enterprise", "150100"))

    def test_bad_file_shows_errors_and_offers_the_error_workbook(self):
        data = csv_text([["姓名", "已退休"], ["张三", "也许"]]).encode("utf-8")
        preview = self.client.get(self.upload("/admin/registry/talent/import/", "bad.csv", data)["Location"])
        self.assertContains(preview, "第 2 行，列“已退休”，值“也许”")
        self.assertNotContains(preview, "确认导入")
        link = re.search(r'href="([^"]+/import/errors/[^"]+)"', preview.content.decode()).group(1)
        report = self.client.get(link)
        sheet = load_workbook(io.BytesIO(report.content)).worksheets[0]
        self.assertEqual(sheet["C2"].value.split("：")[0], "第 2 行，列“已退休”，值“也许”")
        # Confirming a plan with errors is refused even with a forged request.
        token = link.rstrip("/").rsplit("/", 1)[1]
        self.assertEqual(self.client.post("/admin/registry/talent/process_import/", {"token": token}).status_code, 403)
        self.assertFalse(Talent.objects.exists())

    def test_unreadable_file_is_a_form_error(self):
        response = self.upload("/admin/registry/talent/import/", "x.csv", bytes(range(128, 256)) * 3)
        self.assertContains(response, "CSV UTF-8")

    @override_settings(IMPORT_MAX_UPLOAD_BYTES=50)
    def test_upload_size_limit(self):
        response = self.upload("/admin/registry/talent/import/", "big.csv", b"name\n" + b"x\n" * 100)
        self.assertContains(response, "文件超过")

    def test_preview_is_paginated(self):
        rows = [["姓名"]] + [[f"人才{i:03d}"] for i in range(120)]
        location = self.upload("/admin/registry/talent/import/", "many.csv", csv_text(rows).encode())["Location"]
        first = self.client.get(location)
        self.assertContains(first, "人才000")
        self.assertNotContains(first, "人才060")
        third = self.client.get(location + "&page=3")
        self.assertContains(third, "人才119")

    def test_other_users_cannot_confirm_my_pending_import(self):
        data = csv_text([["姓名"], ["张三"]]).encode()
        location = self.upload("/admin/registry/talent/import/", "a.csv", data)["Location"]
        token = location.split("token=")[1]
        other = staff("other", ["view_talent", "add_talent", "change_talent", "import_talent"])
        self.client.force_login(other)
        response = self.client.post("/admin/registry/talent/process_import/", {"token": token})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Talent.objects.exists())

    def test_expired_pending_import_cannot_be_confirmed(self):
        data = csv_text([["姓名"], ["张三"]]).encode()
        token = self.upload("/admin/registry/talent/import/", "a.csv", data)["Location"].split("token=")[1]
        from django.utils import timezone

        PendingImport.objects.update(expires_at=timezone.now())
        self.client.post("/admin/registry/talent/process_import/", {"token": token})
        self.assertFalse(Talent.objects.exists())

    def test_conflicting_change_after_preview_imports_nothing(self):
        data = csv_text([["名称"], ["新单位甲"], ["新单位乙"]]).encode()
        token = self.upload("/admin/registry/organization/import/", "a.csv", data)["Location"].split("token=")[1]
        Organization.objects.create(name="新单位乙")  # saved by someone else before the confirmation
        response = self.client.post("/admin/registry/organization/process_import/", {"token": token}, follow=True)
        # Issue 13 point 10: looked for again at confirmation, the row is named (no IntegrityError).
        self.assertContains(response, "本次导入将新建的记录（第 3 行）在预览之后已被登记")
        self.assertFalse(Organization.objects.filter(name="新单位甲").exists())

    def test_personal_columns_are_ignored_for_users_who_may_not_see_them(self):
        data = csv_text([["姓名", "电话"], ["张三", "13900000000"]]).encode()
        preview = self.client.get(self.upload("/admin/registry/talent/import/", "a.csv", data)["Location"])
        self.assertContains(preview, "以下列已忽略： 电话")
        token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
        self.client.post("/admin/registry/talent/process_import/", {"token": token})
        self.assertEqual(Talent.objects.get().phone, "")

    def test_view_only_staff_cannot_import(self):
        # django-import-export issue #820: view permission alone must not allow importing.
        viewer = staff("viewer", ["view_talent"])
        self.client.force_login(viewer)
        self.assertEqual(self.client.get("/admin/registry/talent/import/").status_code, 403)
        response = self.upload("/admin/registry/talent/import/", "a.csv", "姓名\n张三\n".encode())
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.get("/admin/registry/talent/import/template/").status_code, 403)
        self.assertFalse(Talent.objects.exists())

    def test_template_download(self):
        response = self.client.get("/admin/registry/talent/import/template/")
        self.assertEqual(response.status_code, 200)
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertIn("姓名", [cell.value for cell in workbook.worksheets[0][1]])
        self.assertTrue(codecs)
