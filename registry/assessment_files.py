"""The files of the annual assessment: one .docx form per assessment (of a commissioner, a team or a
workstation), filled from the layout in registry/templates/registry/assessment/assessment_form.docx
(built by scripts/build_assessment_form.py), and one .xlsx list per district. The form's title and its
second details row follow what is assessed (派出单位 and 服务领域 for a commissioner, 负责人 and
服务区域 for a team, 依托单位 and 备案级别 for a workstation)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from io import BytesIO
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.table import _Row
from openpyxl import Workbook
from openpyxl.styles import Font

from registry.assessment import District, grade_label, measure_label
from registry.merging import field_label
from registry.models import Commissioner, CommissionerAssessment, CommissionerTeam, Workstation
from registry.reports.xlsx import XLSX
from registry.sheet_text import keep_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORM = Path(__file__).resolve().parent / "templates/registry/assessment/assessment_form.docx"
PART_ROW_MARK = "{{part_name}}"

__all__ = ["DOCX", "XLSX", "assessment_form", "district_list"]


def assessed_name(assessment: CommissionerAssessment) -> str:
    commissioner = assessment.commissioner
    if commissioner is not None:
        return str(commissioner.talent or commissioner.organization or "")
    return str(assessment.assessed or "")


def assessed_kind(assessment: CommissionerAssessment) -> str:
    """The commissioner's or workstation's kind; 科技特派团 for a team."""
    if assessment.commissioner is not None:
        return str(assessment.commissioner.get_kind_display())
    if assessment.workstation is not None:
        return str(assessment.workstation.get_kind_display())
    return str(CommissionerTeam._meta.verbose_name) if assessment.team is not None else ""


def assessed_details(assessment: CommissionerAssessment) -> dict[str, str]:
    """The form's title (what is assessed) and its second details row: two labels and their values."""
    if assessment.team is not None:
        team = assessment.team
        return {
            "title": str(CommissionerTeam._meta.verbose_name),
            "unit_label": field_label(CommissionerTeam, "leader"),
            "unit": str(team.leader or ""),
            "field_label": field_label(CommissionerTeam, "service_area"),
            "field": team.service_area,
        }
    if assessment.workstation is not None:
        workstation = assessment.workstation
        return {
            "title": str(workstation.get_kind_display()),
            "unit_label": field_label(Workstation, "host"),
            "unit": str(workstation.host or ""),
            "field_label": field_label(Workstation, "filing_level"),
            "field": str(workstation.get_filing_level_display()),
        }
    commissioner = assessment.commissioner
    return {
        "title": str(Commissioner._meta.verbose_name),
        "unit_label": field_label(Commissioner, "dispatching_unit"),
        "unit": str(commissioner.dispatching_unit or "") if commissioner else "",
        "field_label": field_label(Commissioner, "service_field"),
        "field": commissioner.service_field if commissioner else "",
    }


def local_time(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def form_values(assessment: CommissionerAssessment, district: str) -> dict[str, str]:
    """The placeholders of the form and what they hold for `assessment`."""
    return {
        "name": assessed_name(assessment),
        "kind": assessed_kind(assessment),
        **assessed_details(assessment),
        "district": district,
        "year": str(assessment.year),
        "score": "" if assessment.score is None else str(assessment.score),
        "proposed_grade": grade_label(assessment.proposed_grade),
        "grade": grade_label(assessment.grade),
        "override_reason": assessment.override_reason,
        "review_status": str(assessment.get_review_status_display()),
        "confirmed_by": assessment.confirmed_by.get_username() if assessment.confirmed_by else "",
        "confirmed_at": local_time(assessment.confirmed_at),
        "comment": assessment.comment,
        "generated_at": local_time(assessment.generated_at),
    }


def part_values(part: dict[str, Any]) -> dict[str, str]:
    return {
        "part_name": str(part.get("name", "")),
        "part_measure": measure_label(str(part.get("measure", ""))),
        "part_value": str(part.get("value", "")),
        "part_target": str(part.get("target", "")),
        "part_weight": str(part.get("weight", "")),
        "part_points": str(part.get("points", "")),
    }


def fill(paragraphs: Iterable[Any], values: dict[str, str]) -> None:
    """Replace {{name}} in each run (the layout keeps every placeholder in a run of its own)."""
    for paragraph in paragraphs:
        for run in paragraph.runs:
            if "{{" in run.text:
                text = run.text
                for name, value in values.items():
                    text = text.replace("{{" + name + "}}", value)
                run.text = text


def cell_paragraphs(rows: Iterable[Any]) -> Iterable[Any]:
    for row in rows:
        for cell in row.cells:
            yield from cell.paragraphs


def assessment_form(assessment: CommissionerAssessment, district: str = "") -> bytes:
    """The filled form of one assessment: the parts table gets one row per part of the breakdown."""
    document = Document(str(FORM))
    for table in document.tables:
        template = next((row for row in table.rows if PART_ROW_MARK in row.cells[0].text), None)
        if template is None:
            continue
        for part in assessment.breakdown or []:
            element = copy.deepcopy(template._tr)
            template._tr.addprevious(element)
            fill(cell_paragraphs([_Row(element, table)]), part_values(part))
        template._tr.getparent().remove(template._tr)
    values = form_values(assessment, district)
    fill(document.paragraphs, values)
    for table in document.tables:
        fill(cell_paragraphs(table.rows), values)
    output = BytesIO()
    document.save(output)
    return output.getvalue()


def list_header() -> list[str]:
    return [
        _("name or unit"),
        _("kind"),
        _("score"),
        _("proposed grade"),
        _("grade"),
        _("reason for overriding the proposed grade"),
        _("review status"),
        _("confirmed by"),
        _("confirmed at"),
    ]


def list_row(assessment: CommissionerAssessment) -> list[Any]:
    return [
        assessed_name(assessment),
        assessed_kind(assessment),
        None if assessment.score is None else float(assessment.score),
        grade_label(assessment.proposed_grade),
        grade_label(assessment.grade),
        assessment.override_reason,
        str(assessment.get_review_status_display()),
        assessment.confirmed_by.get_username() if assessment.confirmed_by else "",
        local_time(assessment.confirmed_at),
    ]


def district_list(assessments: Iterable[CommissionerAssessment], year: int, district: District) -> bytes:
    """Title, header and one row per assessment of the district's commissioners, teams and workstations
    in `year`."""
    book = Workbook()
    sheet = book.worksheets[0]
    title = _("Annual assessment %(year)s, %(district)s") % {"year": year, "district": district}
    sheet.title = str(year)
    sheet.append([title])
    sheet.append(list_header())
    for assessment in assessments:
        sheet.append(list_row(assessment))
    bold = Font(bold=True)
    for cell in (*sheet[1], *sheet[2]):
        cell.font = bold
    sheet.column_dimensions["A"].width = 24
    keep_text(book)
    output = BytesIO()
    book.save(output)
    return output.getvalue()
