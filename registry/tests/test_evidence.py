"""Evidence attached to reviewed records (issue 14): the type read from the content, required kinds
before submitting (on every path), private files opened only by those who may see the record (and
logged), the reviewer's verdict per file, four eyes on it."""

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.utils import translation

from registry import evidence, review
from registry.importing import service
from registry.models import (
    Attachment,
    AuditEvent,
    EvidenceKind,
    EvidenceRequirement,
    ReviewStatus,
    ServiceRecord,
)
from registry.tests.admin_pages import admin_url, form_data
from registry.tests.review_support import YUQUAN, review_cast, service_record

from .impexp_support import csv_text

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def zipped(*members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


def kind(name):
    return EvidenceKind.objects.get(name=name)


class FileCheckTests(TestCase):
    def check(self, name, data):
        with translation.override("zh-hans"):
            return evidence.check_file(name, len(data), io.BytesIO(data))

    def test_accepted_types_are_read_from_the_content(self):
        self.assertEqual(self.check("证书.pdf", PDF), "application/pdf")
        self.assertEqual(self.check("现场.JPG", JPEG), "image/jpeg")
        self.assertEqual(self.check("现场.png", PNG), "image/png")
        self.assertEqual(self.check("确认书.docx", zipped("word/document.xml")), evidence.DOCX)
        self.assertEqual(self.check("台账.xlsx", zipped("xl/workbook.xml")), evidence.XLSX)
        self.assertEqual(self.check("发票.ofd", zipped("OFD.xml")), "application/ofd")

    def test_other_content_and_mismatched_names_are_refused(self):
        for name, data, words in (
            ("证书.pdf", b"<html><script>alert(1)</script>", "不是 PDF"),
            ("证书.pdf", PNG, "PNG"),
            ("确认书.docx", zipped("xl/workbook.xml"), "XLSX"),
            ("程序.exe", b"MZ\x90\x00", "不是 PDF"),
            ("坏.docx", b"PK\x03\x04broken", "不是 PDF"),
        ):
            with self.subTest(name=name), self.assertRaises(ValidationError) as refused:
                self.check(name, data)
            self.assertIn(name, refused.exception.messages[0])
            self.assertIn(words, refused.exception.messages[0])

    @override_settings(EVIDENCE_MAX_UPLOAD_BYTES=10)
    def test_the_size_limit(self):
        with self.assertRaises(ValidationError) as refused:
            self.check("证书.pdf", PDF)
        self.assertIn("证书.pdf", refused.exception.messages[0])


class EvidenceTests(TestCase):
    cast: dict

    @classmethod
    def setUpTestData(cls):
        cls.cast = review_cast()
        content_type = ContentType.objects.get_for_model(ServiceRecord)
        for name in ("现场照片", "服务确认书"):
            EvidenceRequirement.objects.create(content_type=content_type, kind=kind(name))

    def setUp(self):
        self.media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        overridden = override_settings(MEDIA_ROOT=self.media)
        overridden.enable()
        self.addCleanup(overridden.disable)
        self.record = service_record()

    def upload(self, user, record, files):
        """Send the record's change form with new evidence files [(kind name, file name, bytes)]."""
        self.client.force_login(user)
        url = admin_url(ServiceRecord, "change", record.pk)
        page = self.client.get(url)
        inline = next(i for i in page.context["inline_admin_formsets"] if i.formset.model is Attachment)
        prefix = inline.formset.prefix
        data = form_data(page)
        data[f"{prefix}-TOTAL_FORMS"] = str(len(files))
        for number, (kind_name, name, content) in enumerate(files):
            data[f"{prefix}-{number}-kind"] = str(kind(kind_name).pk)
            data[f"{prefix}-{number}-upload"] = SimpleUploadedFile(name, content)
        return self.client.post(url, data)

    def attach(self, record, kind_name, name="照片.png", content=PNG, user=None):
        attachment = Attachment(record=record, kind=kind(kind_name), original_name=name, size=len(content))
        attachment.media_type = evidence.check_file(name, len(content), io.BytesIO(content))
        evidence.describe(attachment, io.BytesIO(content), user or self.cast["clerk"])
        attachment.file.save(name, io.BytesIO(content), save=False)
        attachment.save()
        return attachment

    def test_a_record_lacking_required_evidence_cannot_be_submitted_on_any_path(self):
        with self.assertRaises(ValidationError) as refused:
            review.submit(self.record, self.cast["clerk"])
        self.assertIn("现场照片、服务确认书", refused.exception.messages[0])
        # The bulk action checks the same, record by record.
        self.client.force_login(self.cast["clerk"])
        self.client.post(
            admin_url(ServiceRecord, "changelist"), {"action": "submit_selected", "_selected_action": [self.record.pk]}
        )
        self.record.refresh_from_db()
        self.assertEqual(self.record.review_status, ReviewStatus.DRAFT)
        # And an import submitting new records of the kind is refused before anything is written.
        rows = [["标题", "类别"], ["新的服务", "现场技术指导"]]
        plan, _header, _rows = service.validate(
            ServiceRecord, csv_text(rows).encode(), "服务.csv", self.cast["admin"], review_target="submitted"
        )
        self.assertEqual(len(plan.errors), 1)
        self.assertIn("现场照片", plan.errors[0].message)

    def test_the_clerk_uploads_the_files_and_then_submits(self):
        response = self.upload(
            self.cast["clerk"],
            self.record,
            [("现场照片", "田间.png", PNG), ("服务确认书", "确认书.pdf", PDF)],
        )
        self.assertEqual(response.status_code, 302, response.context and response.context["errors"])
        files = {a.kind.name: a for a in evidence.attachments_of(self.record)}
        self.assertEqual(set(files), {"现场照片", "服务确认书"})
        photo = files["现场照片"]
        self.assertEqual((photo.original_name, photo.media_type, photo.size), ("田间.png", "image/png", len(PNG)))
        self.assertEqual(photo.uploaded_by, self.cast["clerk"])
        self.assertEqual(len(photo.sha256), 64)
        stored = Path(self.media) / photo.file.name
        self.assertTrue(stored.is_file())
        self.assertNotIn("田间", photo.file.name)  # stored under a random name
        review.submit(self.record, self.cast["clerk"])
        self.assertEqual(self.record.review_status, ReviewStatus.SUBMITTED)

    def test_a_stored_file_of_an_editable_record_shows_its_facts_never_its_storage_name(self):
        photo = self.attach(self.record, "现场照片", "田间.png")
        self.client.force_login(self.cast["clerk"])
        page = self.client.get(admin_url(ServiceRecord, "change", self.record.pk)).content.decode()
        self.assertIn("田间.png", page)
        self.assertIn(f"/admin/evidence/{photo.pk}/", page)
        self.assertNotIn(photo.file.name, page)
        self.assertIn('type="file"', page)  # new files may still be added

    def test_a_file_whose_content_is_not_its_name_is_refused_on_the_form(self):
        response = self.upload(self.cast["clerk"], self.record, [("服务确认书", "确认书.pdf", PNG)])
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "确认书.pdf")
        self.assertFalse(Attachment.objects.exists())

    def test_files_of_a_submitted_record_cannot_be_added(self):
        self.attach(self.record, "现场照片")
        self.attach(self.record, "服务确认书", "确认书.pdf", PDF)
        review.submit(self.record, self.cast["clerk"])
        self.client.force_login(self.cast["clerk"])
        page = self.client.get(admin_url(ServiceRecord, "change", self.record.pk))
        inline = next(i for i in page.context["inline_admin_formsets"] if i.formset.model is Attachment)
        self.assertFalse(inline.has_add_permission)
        self.assertFalse(inline.has_delete_permission)

    def test_only_those_who_may_see_the_record_open_its_files_and_each_download_is_logged(self):
        photo = self.attach(self.record, "现场照片", "田间.png", PNG)
        url = f"/admin/evidence/{photo.pk}/"
        self.client.force_login(self.cast["clerk"])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.getvalue(), PNG)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn("%E7%94%B0%E9%97%B4.png", response["Content-Disposition"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.DOWNLOAD)
        self.assertEqual((event.user, event.file_name), (self.cast["clerk"], "田间.png"))
        thumbnail = self.client.get(url + "?thumbnail=1")
        self.assertIn("inline", thumbnail["Content-Disposition"])
        for outsider in (self.cast["other_clerk"], self.cast["other_reviewer"]):
            self.client.force_login(outsider)
            self.assertEqual(self.client.get(url).status_code, 404)
            self.assertEqual(self.client.get(url + "?thumbnail=1").status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)
        self.assertEqual(AuditEvent.objects.filter(kind=AuditEvent.Kind.DOWNLOAD).count(), 1)

    def test_the_reviewer_judges_each_file_of_a_submitted_record(self):
        photo = self.attach(self.record, "现场照片")
        paper = self.attach(self.record, "服务确认书", "确认书.pdf", PDF)
        with self.assertRaises(ValidationError):  # a draft: nothing to judge yet
            evidence.judge(photo, self.cast["reviewer"], "passed")
        review.submit(self.record, self.cast["clerk"])
        self.client.force_login(self.cast["reviewer"])
        page = self.client.get(admin_url(ServiceRecord, "change", self.record.pk))
        self.assertContains(page, "?thumbnail=1")
        self.assertContains(page, f"/admin/evidence/{paper.pk}/verdict/")
        self.client.post(f"/admin/evidence/{photo.pk}/verdict/", {"verdict": "passed"})
        photo.refresh_from_db()
        self.assertEqual((photo.verdict, photo.verdict_by), ("passed", self.cast["reviewer"]))
        refused = self.client.post(f"/admin/evidence/{paper.pk}/verdict/", {"verdict": "failed"}, follow=True)
        self.assertContains(refused, "不合格的原因")
        self.client.post(f"/admin/evidence/{paper.pk}/verdict/", {"verdict": "failed", "note": "缺少盖章"})
        paper.refresh_from_db()
        self.assertEqual((paper.verdict, paper.verdict_note), ("failed", "缺少盖章"))
        with self.assertRaises(PermissionDenied):  # another district's reviewer
            evidence.judge(paper, self.cast["other_reviewer"], "passed")
        with self.assertRaises(PermissionDenied):  # the clerk is no reviewer
            evidence.judge(paper, self.cast["clerk"], "passed")

    def test_nobody_judges_a_file_they_uploaded(self):
        photo = self.attach(self.record, "现场照片", user=self.cast["admin"])
        self.attach(self.record, "服务确认书", "确认书.pdf", PDF)
        review.submit(self.record, self.cast["clerk"])
        with self.assertRaises(PermissionDenied) as refused:
            evidence.judge(photo, self.cast["admin"], "passed")
        self.assertIn("四眼", str(refused.exception))

    def test_another_districts_clerk_does_not_see_the_page_or_its_files(self):
        other = service_record(code=YUQUAN, title="玉泉区服务")
        photo = self.attach(other, "现场照片")
        self.client.force_login(self.cast["clerk"])
        self.assertEqual(self.client.get(f"/admin/evidence/{photo.pk}/").status_code, 404)
        self.assertEqual(
            self.client.post(f"/admin/evidence/{photo.pk}/verdict/", {"verdict": "passed"}).status_code, 404
        )
