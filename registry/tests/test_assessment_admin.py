"""The annual assessment on the admin: 生成年度考核 for a year and a district, the confirmation page,
the scheme's weights, and the files (a .docx form per commissioner, an .xlsx list per district),
used as clerks and reviewers of 新城区 and 玉泉区."""

from __future__ import annotations

import runpy
import tempfile
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.test import SimpleTestCase
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from registry import assessment
from registry.assessment_files import FORM, XLSX
from registry.models import AssessmentScheme, AuditEvent, CommissionerAssessment, Measure, ReviewStatus
from registry.tests.admin_pages import admin_url, form_data
from registry.tests.review_support import XINCHENG, division
from registry.tests.test_assessment import YEAR, AssessmentTestData, Grade


def docx_text(data: bytes) -> str:
    """Every paragraph of the document, table cells included, one per line."""
    document = Document(BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


class AssessmentAdminTest(AssessmentTestData):
    def setUp(self):
        cache.clear()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    def as_user(self, name: str) -> None:
        self.client.force_login(self.users[name])

    def generate_page(self, **data):
        return self.client.post(
            admin_url(CommissionerAssessment, "generate"),
            {"year": YEAR, "district": assessment.district_key(division(XINCHENG)), **data},
            follow=True,
        )

    def confirmed(self) -> CommissionerAssessment:
        """Wang's assessment generated and submitted by the clerk, confirmed by the reviewer."""
        assessment.generate(self.users["clerk"], YEAR, division(XINCHENG), submit=True)
        wang = self.assessment_of(self.wang)
        assessment.confirm(wang, self.users["reviewer"], Grade.GOOD, "下半年服务记录尚未录入")
        return self.assessment_of(self.wang)

    # --- generating

    def test_a_clerk_generates_the_assessments_of_the_district(self):
        self.as_user("clerk")
        changelist = self.client.get(admin_url(CommissionerAssessment, "changelist"))
        self.assertContains(changelist, admin_url(CommissionerAssessment, "generate"))
        page = self.client.get(admin_url(CommissionerAssessment, "generate"))
        self.assertContains(page, "新城区")
        self.assertNotContains(page, "玉泉区")
        response = self.generate_page(submit="on")
        self.assertContains(response, "2 ")
        wang = self.assessment_of(self.wang)
        self.assertEqual((wang.score, wang.review_status), (Decimal("62.0"), ReviewStatus.SUBMITTED))

    def test_a_clerk_of_another_district_can_neither_generate_nor_see_nor_download(self):
        confirmed = self.confirmed()
        self.as_user("other_clerk")
        response = self.generate_page()
        self.assertEqual(response.status_code, 200)
        self.assertIn("district", response.context["form"].errors)
        self.assertEqual(CommissionerAssessment.objects.count(), 2)
        self.assertEqual(self.client.get(admin_url(CommissionerAssessment, "change", confirmed.pk)).status_code, 302)
        self.assertNotContains(self.client.get(admin_url(CommissionerAssessment, "changelist")), "王建国")
        self.assertEqual(self.client.get(admin_url(CommissionerAssessment, "form", confirmed.pk)).status_code, 403)
        self.assertEqual(self.client.get(admin_url(CommissionerAssessment, "confirm", confirmed.pk)).status_code, 302)

    def test_a_reviewer_of_another_district_cannot_download_its_files(self):
        confirmed = self.confirmed()
        self.as_user("other_reviewer")
        self.assertEqual(self.client.get(admin_url(CommissionerAssessment, "form", confirmed.pk)).status_code, 302)
        response = self.client.get(
            admin_url(CommissionerAssessment, "district_list"),
            {"year": str(YEAR), "district": assessment.district_key(division(XINCHENG))},
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(response["Content-Type"], XLSX)
        self.assertIn("district", response.context["form"].errors)

    def test_a_reviewer_may_not_generate(self):
        self.as_user("reviewer")
        self.assertEqual(self.client.get(admin_url(CommissionerAssessment, "generate")).status_code, 403)

    # --- confirming

    def test_the_confirmation_page_refuses_an_override_without_a_reason_then_takes_one(self):
        assessment.generate(self.users["clerk"], YEAR, division(XINCHENG), submit=True)
        wang = self.assessment_of(self.wang)
        self.as_user("reviewer")
        url = admin_url(CommissionerAssessment, "confirm", wang.pk)
        page = self.client.get(url)
        self.assertContains(page, "服务情况")
        self.assertContains(page, "62.0")
        response = self.client.post(url, {"grade": Grade.EXCELLENT, "reason": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "理由")
        self.assertEqual(self.assessment_of(self.wang).review_status, ReviewStatus.SUBMITTED)
        response = self.client.post(url, {"grade": Grade.EXCELLENT, "reason": "获市级表彰"})
        self.assertRedirects(response, admin_url(CommissionerAssessment, "change", wang.pk))
        stored = self.assessment_of(self.wang)
        self.assertEqual((stored.review_status, stored.grade), (ReviewStatus.APPROVED, Grade.EXCELLENT))

    def test_the_generator_is_shown_why_they_may_not_confirm(self):
        CommissionerAssessment.objects.all().delete()
        assessment.generate(self.users["clerk_reviewer"], YEAR, division(XINCHENG), submit=True)
        wang = self.assessment_of(self.wang)
        self.as_user("clerk_reviewer")
        url = admin_url(CommissionerAssessment, "confirm", wang.pk)
        self.assertContains(self.client.get(url), "四眼原则")
        response = self.client.post(url, {"grade": Grade.PASS, "reason": ""})
        self.assertContains(response, "四眼原则")
        self.assertEqual(self.assessment_of(self.wang).review_status, ReviewStatus.SUBMITTED)

    # --- the scheme

    def test_the_scheme_parts_must_weigh_100_in_all(self):
        self.client.force_login(self.users["admin"])
        page = self.client.get(admin_url(AssessmentScheme, "add"))
        data = form_data(page, year="2027")
        parts = [("服务情况", Measure.SERVICE_DAYS, "10", "60"), ("满意度", Measure.SATISFACTION_RATE, "100", "30")]
        for n, (name, measure, target, weight) in enumerate(parts):
            data.update(
                {
                    f"parts-{n}-name": name,
                    f"parts-{n}-measure": measure,
                    f"parts-{n}-target": target,
                    f"parts-{n}-weight": weight,
                }
            )
        response = self.client.post(admin_url(AssessmentScheme, "add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "90")
        self.assertFalse(AssessmentScheme.objects.filter(year=2027).exists())
        data["parts-1-weight"] = "40"
        response = self.client.post(admin_url(AssessmentScheme, "add"), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(AssessmentScheme.objects.get(year=2027).parts.count(), 2)

    def test_a_scoped_clerk_cannot_change_the_city_wide_scheme(self):
        self.as_user("clerk")
        scheme = AssessmentScheme.objects.get(year=YEAR)
        response = self.client.get(admin_url(AssessmentScheme, "change", scheme.pk))
        self.assertNotContains(response, 'name="_save"', status_code=response.status_code)

    # --- the files

    def test_the_docx_form_holds_the_name_score_and_grades(self):
        confirmed = self.confirmed()
        self.as_user("reviewer")
        response = self.client.get(admin_url(CommissionerAssessment, "form", confirmed.pk))
        self.assertEqual(response.status_code, 200)
        self.assertIn(".docx", response["Content-Disposition"])
        text = docx_text(response.content)
        self.assertIn("王建国", text)
        self.assertIn("62.0", text)
        self.assertIn("合格", text)  # proposed
        self.assertIn("良好", text)  # confirmed
        self.assertIn("下半年服务记录尚未录入", text)
        self.assertIn("服务情况 | 服务天数 | 6 | 10.0 | 60 | 36.0", text)
        self.assertIn("满意度 | 满意率（%） | 50.0 | 100.0 | 20 | 10.0", text)
        self.assertNotIn("{{", text)
        self.assertTrue(AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, file_name__endswith=".docx").exists())

    def test_the_district_list_has_one_row_per_assessment(self):
        self.confirmed()
        self.as_user("reviewer")
        page = self.client.get(admin_url(CommissionerAssessment, "district_list"))
        self.assertContains(page, "新城区")
        response = self.client.get(
            admin_url(CommissionerAssessment, "district_list"),
            {"year": str(YEAR), "district": assessment.district_key(division(XINCHENG))},
        )
        self.assertEqual(response["Content-Type"], XLSX)
        sheet = load_workbook(BytesIO(response.content)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertIn("新城区", str(rows[0][0]))
        self.assertEqual(rows[1][:5], ("姓名或单位", "类别", "得分", "建议等级", "考核等级"))
        body = {row[0]: row for row in rows[2:]}
        self.assertEqual(set(body), {"王建国", "李明"})
        self.assertEqual(body["王建国"][2:6], (62.0, "合格", "良好", "下半年服务记录尚未录入"))
        self.assertEqual(body["李明"][2:5], (0.0, "不合格", "不合格"))

    def test_a_clerk_may_not_download(self):
        confirmed = self.confirmed()
        self.as_user("clerk")
        self.assertEqual(self.client.get(admin_url(CommissionerAssessment, "form", confirmed.pk)).status_code, 403)
        self.assertEqual(self.client.get(admin_url(CommissionerAssessment, "district_list")).status_code, 403)

    def test_the_changelist_links_each_assessment_to_its_confirmation_or_form(self):
        confirmed = self.confirmed()
        self.as_user("reviewer")
        page = self.client.get(admin_url(CommissionerAssessment, "changelist"))
        self.assertContains(page, reverse("admin:registry_commissionerassessment_form", args=[confirmed.pk]))
        self.assertContains(page, admin_url(CommissionerAssessment, "district_list"))


class FormLayoutTest(SimpleTestCase):
    def test_the_committed_layout_is_what_the_script_builds(self):
        script = Path(settings.BASE_DIR) / "scripts/build_assessment_form.py"
        build = runpy.run_path(str(script))["build"]
        with tempfile.TemporaryDirectory() as folder:
            built = Path(folder) / "form.docx"
            build(built)
            with zipfile.ZipFile(built) as fresh, zipfile.ZipFile(FORM) as committed:
                self.assertEqual(fresh.read("word/document.xml"), committed.read("word/document.xml"))
