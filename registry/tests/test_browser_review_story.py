"""The review story of issue 14 in Chromium: a 新城区 clerk enters a service record with its site photo
and 服务确认书 and submits it; the reviewer opens the evidence, judges it and sends it back with an
opinion; the clerk sees the opinion, fixes and resubmits; the reviewer approves, and only then does
the dashboard count it. The clerk can approve nothing and cannot open another district's files."""

import importlib
import io
import shutil
import struct
import tempfile
import zlib

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import FilePayload

from registry.models import Attachment, EvidenceKind, EvidenceRequirement, ServiceRecord
from registry.tests.access_support import PASSWORD

from .browser import BrowserTestCase
from .review_support import YUQUAN, review_cast, service_record

ADMIN = "/" + settings.ADMIN_URL
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png(width=48, height=32):
    """A small green PNG (no imaging library needed)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x40\xa0\x50" * width for _row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class ReviewStoryTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        cache.clear()  # cached dashboards and sidebars of earlier tests' users (ids are reused)
        # A live-server test starts after a table flush: put back the kinds migration 0021 seeds.
        importlib.import_module("registry.migrations.0021_evidence").add_kinds(django_apps, None)
        self.page.set_viewport_size({"width": 1366, "height": 900})
        self.cast = review_cast()
        content_type = ContentType.objects.get_for_model(ServiceRecord)
        for name in ("现场照片", "服务确认书"):
            EvidenceRequirement.objects.create(content_type=content_type, kind=EvidenceKind.objects.get(name=name))
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        overridden = override_settings(MEDIA_ROOT=media)
        overridden.enable()
        self.addCleanup(overridden.disable)
        self.record = service_record(title="奶牛养殖田间指导")
        elsewhere = service_record(code=YUQUAN, title="玉泉区田间指导")
        self.other_file = Attachment(
            record=elsewhere, kind=EvidenceKind.objects.get(name="现场照片"), original_name="玉泉.png", size=10
        )
        self.other_file.media_type, self.other_file.sha256 = "image/png", "0" * 64
        self.other_file.file.save("玉泉.png", io.BytesIO(png()), save=True)

    def as_user(self, name):
        self.context.clear_cookies()
        self.log_in(self.cast[name].username, PASSWORD)

    def record_page(self):
        self.page.goto(self.url(f"{ADMIN}registry/servicerecord/{self.record.pk}/change/"))

    def add_file(self, kind, name, content, mime):
        page = self.page
        group = page.locator(".inline-group").filter(has_text="证明材料")
        group.locator(".add-row a").click()
        row = group.locator("tr.form-row.dynamic-registry-attachment-content_type-object_id").last
        row.locator("select").select_option(label=kind)
        payload: FilePayload = {"name": name, "mimeType": mime, "buffer": content}
        row.locator("input[type=file]").set_input_files(files=[payload])

    def dashboard_count(self):
        self.page.goto(self.url(ADMIN))
        card = self.page.locator(".registry-card").filter(has_text="服务记录按类别")
        return card.locator(".registry-total").inner_text()

    def test_submit_send_back_fix_and_approve_with_evidence(self):
        page = self.page
        self.as_user("clerk")
        self.record_page()
        self.assertIn("现场照片、服务确认书", page.inner_text("#evidence-missing"))
        self.add_file("现场照片", "田间.png", png(), "image/png")
        self.add_file("服务确认书", "确认书.pdf", PDF, "application/pdf")
        page.click("input[name=_continue]")
        page.wait_for_selector("#review-evidence")
        self.assertNotIn("提交前尚缺", page.inner_text("#review-panel"))
        self.snap("clerk-evidence-attached")
        page.click("#review-panel button[value=submit]")
        page.wait_for_selector("#review-status:has-text('待审核')")
        self.assertEqual(page.locator("#review-panel button[value=approve]").count(), 0)
        # Another district's file is not there for this clerk.
        response = page.request.get(self.url(f"{ADMIN}evidence/{self.other_file.pk}/"))
        self.assertEqual(response.status, 404)

        self.as_user("reviewer")
        self.assertEqual(self.dashboard_count(), "0")
        page.goto(self.url(f"{ADMIN}review/"))
        page.click(f"a:has-text('{self.record.title}')")
        page.wait_for_selector("#review-evidence img.registry-evidence-thumbnail")
        thumbnail = page.locator("img.registry-evidence-thumbnail").first
        self.assertGreater(thumbnail.evaluate("img => img.naturalWidth"), 0, "the photo shows as a thumbnail")
        self.snap("reviewer-sees-evidence")
        files = page.locator(".registry-evidence-file")
        files.filter(has_text="田间.png").locator("button[value=passed]").click()
        paper = page.locator(".registry-evidence-file").filter(has_text="确认书.pdf")
        paper.locator("input[name=note]").fill("缺少服务对象盖章")
        paper.locator("button[value=failed]").click()
        page.fill("#review-opinion", "请上传盖章的服务确认书")
        page.click("#review-panel button[value=send_back]")
        page.wait_for_selector("#review-status:has-text('已退回')")

        self.as_user("clerk")
        self.record_page()
        self.assertIn("请上传盖章的服务确认书", page.inner_text("#review-opinion-shown"))
        self.assertIn("不合格：缺少服务对象盖章", page.inner_text("#review-evidence"))
        self.snap("clerk-sees-opinion")
        self.add_file("服务确认书", "确认书-盖章.pdf", PDF, "application/pdf")
        page.click("input[name=_continue]")
        page.wait_for_selector("text=确认书-盖章.pdf")
        page.click("#review-panel button[value=submit]")
        page.wait_for_selector("#review-status:has-text('待审核')")

        self.as_user("reviewer")
        self.record_page()
        page.click("#review-panel button[value=approve]")
        page.wait_for_selector("#review-status:has-text('已通过')")
        self.snap("reviewer-approved")
        self.assertEqual(self.dashboard_count(), "1")
