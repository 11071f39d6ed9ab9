"""Build the layout of the annual assessment form: registry/templates/registry/assessment/assessment_form.docx.

The form is a Chinese document with {{placeholders}}, each in a run of its own, that
registry/assessment_files.py fills (the title's subject and the second details row's labels too:
the one form serves commissioners, teams and workstations); the row holding {{part_name}} is
repeated for every part of the score. Run again after changing the layout and commit the .docx:

    .venv/bin/python scripts/build_assessment_form.py
"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

OUTPUT = Path(__file__).resolve().parent.parent / "registry/templates/registry/assessment/assessment_form.docx"
FONT = "SimSun"

DETAILS = (
    ("姓名或单位", "{{name}}", "类别", "{{kind}}"),
    ("{{unit_label}}", "{{unit}}", "{{field_label}}", "{{field}}"),
    ("所属旗县区", "{{district}}", "考核年度", "{{year}}"),
)
PARTS_HEADER = ("考核内容", "考核指标", "完成情况", "满分目标", "权重", "得分")
PARTS_ROW = tuple(f"{{{{part_{name}}}}}" for name in ("name", "measure", "value", "target", "weight", "points"))
RESULT = (
    ("总分", "{{score}}"),
    ("建议等级", "{{proposed_grade}}"),
    ("考核等级", "{{grade}}"),
    ("改定理由", "{{override_reason}}"),
    ("审核状态", "{{review_status}}"),
    ("确认人", "{{confirmed_by}}"),
    ("确认时间", "{{confirmed_at}}"),
    ("备注", "{{comment}}"),
)


def fill_row(row, texts, bold=False):
    for cell, text in zip(row.cells, texts):
        run = cell.paragraphs[0].add_run(text)
        run.bold = bold


def build(output: Path = OUTPUT) -> None:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in ("呼和浩特市", "{{title}}", "年度考核表"):
        run = title.add_run(text)
        run.bold = True
        run.font.size = Pt(16)
    details = document.add_table(rows=0, cols=4, style="Table Grid")
    for details_row in DETAILS:
        fill_row(details.add_row(), details_row)
    document.add_paragraph()
    parts = document.add_table(rows=0, cols=len(PARTS_HEADER), style="Table Grid")
    fill_row(parts.add_row(), PARTS_HEADER, bold=True)
    fill_row(parts.add_row(), PARTS_ROW)
    document.add_paragraph()
    result = document.add_table(rows=0, cols=2, style="Table Grid")
    for result_row in RESULT:
        fill_row(result.add_row(), result_row)
    note = document.add_paragraph()
    note.add_run("得分按当年考核方案，依据已审核通过的服务记录（特派团、工作站含其成员的服务记录）计算。生成时间：")
    note.add_run("{{generated_at}}")
    output.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(output))


if __name__ == "__main__":
    build()
