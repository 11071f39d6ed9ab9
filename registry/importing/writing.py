"""Writing spreadsheets: exports, import templates and error workbooks.

Exports stream rows from one query per table (related names and many-to-many links are fetched in
one query each, however many rows) into the streaming writer of xlsx.py, or into a CSV with a BOM
so Excel shows Chinese. Text cells that start with a formula trigger are escaped; numbers and dates
stay native cells. Templates and error workbooks are small and styled, so they use openpyxl.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from registry import access
from registry.sheet_text import keep_text

from . import values, xlsx
from .columns import PLACEHOLDER_TEXT, Column, columns_for, normalise_header
from .relations import MANY_JOIN, display_paths, join_parts

if TYPE_CHECKING:
    from .plan import RowError

FORMULA_TRIGGERS = values.FORMULA_TRIGGERS
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# Drop-down lists longer than this would make Excel slow; the column sheet still lists the rule.
MAX_DROPDOWN_ITEMS = 500


def escape_formula(value: Any) -> Any:
    """Text a spreadsheet could run as a formula (= + - @, also full-width or after spaces, tabs
    and line breaks) gets a leading apostrophe; the import takes it off again."""
    if isinstance(value, str) and values.looks_like_formula(value):
        return "'" + value
    return value


def exported(queryset: models.QuerySet[Any], user: access.Viewer) -> models.QuerySet[Any]:
    """The records of `queryset` an export for `user` holds (their districts'), in the file's order."""
    model = queryset.model
    return access.scope_queryset(user, queryset).order_by(*model._meta.ordering or ["pk"])


def export_rows(
    queryset: models.QuerySet[Any], user: access.Viewer
) -> tuple[list[Column], list[str], Iterator[list[Any]]]:
    """(columns, header, rows) of `queryset` as cells; hidden personal fields are left blank."""
    model = queryset.model
    hidden = set(access.hidden_fields(user, model))
    columns = columns_for(model)
    queryset = exported(queryset, user)
    plain = [c for c in columns if not c.is_m2m]
    selects = ["pk"]
    for column in plain:
        if column.is_fk:
            selects += [f"{column.name}__{path}" for path in display_paths(column.related_model)]
        else:
            selects.append(column.attname)
    many = {c.name: many_names(queryset, c) for c in columns if c.is_m2m and c.name not in hidden}

    def rows() -> Iterator[list[Any]]:
        for record in queryset.values_list(*selects).iterator(chunk_size=2000):
            position = 1
            cells: list[Any] = []
            for column in plain:
                if column.is_fk:
                    width = len(display_paths(column.related_model))
                    value: Any = join_parts(record[position : position + width]) or None
                    position += width
                else:
                    value = column.render(record[position])
                    position += 1
                cells.append(None if column.name in hidden else value)
            for column in columns:
                if column.is_m2m:
                    cells.append(
                        None if column.name in hidden else MANY_JOIN.join(many[column.name].get(record[0], ()))
                    )
            yield cells

    ordered = plain + [c for c in columns if c.is_m2m]
    return ordered, [c.label for c in ordered], rows()


def many_names(queryset: models.QuerySet[Any], column: Column) -> dict[int, list[str]]:
    """owner pk -> names of its linked records, in one query for the whole export."""
    field = column.field
    if not isinstance(field, models.ManyToManyField) or field.remote_field.through is None:
        raise TypeError(f"{column.name} is not a many-to-many column")
    through = field.remote_field.through
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    paths = [f"{target}__{path}" for path in display_paths(column.related_model)]
    links: dict[int, list[str]] = {}
    rows = through._default_manager.filter(**{source + "__in": queryset.values("pk")}).values_list(
        source + "_id", *paths
    )
    for owner, *parts in rows.order_by(source + "_id", *paths):
        links.setdefault(owner, []).append(join_parts(parts))
    return links


def write_xlsx(
    header: Sequence[object], rows: Iterable[Sequence[Any]], sheet_title: str = "Sheet1"
) -> tuple[bytes, int]:
    """An xlsx of `rows`, streamed; text escaped, numbers and dates native cells."""
    output = io.BytesIO()
    count = xlsx.write(output, header, rows, escape_formula, sheet_title)
    return output.getvalue(), count


def write_csv(header: Sequence[object], rows: Iterable[Sequence[Any]]) -> tuple[bytes, int]:
    """A UTF-8 CSV with BOM (so Excel reads Chinese correctly); text cells escaped."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(["" if value is None else escape_formula(str(value)) for value in row])
        count += 1
    return codecs.BOM_UTF8 + output.getvalue().encode("utf-8"), count


def export_file(
    queryset: models.QuerySet[Any], user: access.Viewer, kind: str, progress: Callable[[int], None] | None = None
) -> tuple[bytes, int]:
    """(file bytes, rows) of an xlsx or csv export of `queryset` for `user`; `progress` is told the
    rows written so far after each row (a background export's progress page)."""
    _columns, header, rows = export_rows(queryset, user)
    if progress is not None:
        rows = counted(rows, progress)
    if kind == "csv":
        return write_csv(header, rows)
    return write_xlsx(header, rows, str(queryset.model._meta.verbose_name_plural))


def counted(rows: Iterable[list[Any]], progress: Callable[[int], None]) -> Iterator[list[Any]]:
    for done, row in enumerate(rows, start=1):
        yield row
        progress(done)


# -- templates --------------------------------------------------------------------------------


def choices_of(column: Column) -> list[str]:
    """What a drop-down for the column offers: choice labels, 是/否, or names of lookup records."""
    if column.choice_labels:
        return list(column.choice_labels.values())
    if isinstance(column.field, models.BooleanField):
        return ["是", "否"]
    if column.is_fk and column.related_model is not None:
        from registry.models.lookups import Lookup

        if issubclass(column.related_model, Lookup):
            return list(
                column.related_model._default_manager.filter(is_active=True).values_list("name", flat=True)[
                    :MAX_DROPDOWN_ITEMS
                ]
            )
    return []


def example_value(column: Column) -> object:
    """A plausible value for the template's example row."""
    options = choices_of(column)
    if options:
        return options[0]
    model_field = column.field
    checked = model_field.unique or len(model_field.validators) > int(bool(model_field.max_length))
    if not column.is_required and (checked or column.is_relation):
        return None  # left empty: a made-up code or name would not pass the import
    if isinstance(model_field, models.DateField):
        return datetime.date(2024, 1, 5)
    if isinstance(model_field, (models.IntegerField, models.DecimalField, models.FloatField)):
        return 1
    if column.is_fk or column.is_m2m:
        return _("(name of an existing %(model)s)") % {"model": column.related_model._meta.verbose_name}
    return str(PLACEHOLDER_TEXT)


def describe_column(column: Column) -> str:
    model_field = column.field
    if column.choice_labels or isinstance(model_field, models.BooleanField):
        rule = _("one of: %(values)s") % {"values": "、".join(choices_of(column))}
    elif isinstance(model_field, models.DateField):
        rule = _("a date such as 2024-01-05, 2024/1/5 or 2024年1月5日")
    elif isinstance(model_field, (models.IntegerField, models.DecimalField, models.FloatField)):
        rule = _("a number")
    elif column.is_m2m:
        rule = _("names of %(model)s separated by ；") % {"model": column.related_model._meta.verbose_name_plural}
    elif column.is_fk:
        rule = _("an existing %(model)s by %(key)s") % {
            "model": column.related_model._meta.verbose_name,
            "key": key_description(column.related_model),
        }
    else:
        rule = (
            _("text of at most %(length)d characters") % {"length": model_field.max_length}
            if model_field.max_length
            else _("text")
        )
    return rule


def key_description(model: type[models.Model]) -> str:
    from registry.models import Organization, Talent
    from registry.models.lookups import Lookup

    if model is Organization:
        return _("name, alias or credit code")
    if model is Talent:
        return _("identity number, or “name / employer”")
    if issubclass(model, Lookup):
        return _("name or code")
    fields = [model._meta.get_field(path.split("__")[0]) for path in display_paths(model)]
    return " / ".join(str(getattr(field, "verbose_name", field.name)) for field in fields)


def template_workbook(model: type[models.Model]) -> bytes:
    """An import template: headers and drop-downs on the data sheet (no example row there, so
    nothing but what staff type is imported), and a guide sheet explaining each column with an
    example value."""
    columns = columns_for(model)
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = str(model._meta.verbose_name_plural)[:31]
    guide = workbook.create_sheet(_("columns"))
    lists = workbook.create_sheet(_("lists"))
    required = PatternFill("solid", fgColor="FFE699")
    sheet.append([c.label for c in columns])
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = 18
        header = sheet.cell(row=1, column=position)
        header.font = Font(bold=True)
        if column.is_required:
            header.fill = required
        if isinstance(column.field, models.DateField):
            sheet.column_dimensions[letter].number_format = DATE_FORMAT
        if column.is_code:  # typed as text, so Excel keeps all 18 digits
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        options = choices_of(column)
        if options:
            for index, option in enumerate(options, start=1):
                lists.cell(row=index, column=position, value=option)
            area = f"'{lists.title}'!${letter}$1:${letter}${len(options)}"
            validation = DataValidation(
                type="list",
                formula1=area,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.label,
                error=_("Choose a value from the list."),
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}5000")
    lists.sheet_state = "hidden"
    guide.append([_("column"), _("required"), _("what to write"), _("field name"), _("example")])
    for column in columns:
        required_text = "是" if column.is_required else "否"
        guide.append([column.label, required_text, describe_column(column), column.name, example_value(column)])
    for letter, width in zip("ABCDE", (18, 8, 60, 20, 24)):
        guide.column_dimensions[letter].width = width
    keep_text(workbook)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


ERROR_COLUMN = "错误"


def error_workbook(
    header: Sequence[object],
    rows: Sequence[Sequence[Any]],
    errors: Iterable[RowError],
    hidden_columns: Collection[str] = (),
    header_line: int = 1,
) -> bytes:
    """Every row of the file as uploaded, in its order, plus an error column (empty for good rows),
    so staff fix the rejected rows in place and upload the whole workbook again. Title rows above
    the header (`header_line` is the header's line in the file) are left out; errors name the file's lines.

    The import ignores the error column; header errors are written in the first row's error cell
    (a line of its own would come back as a row without data). Streamed (xlsx.write): text cells
    are inline strings, never formulas.
    """
    by_row: dict[int, list[str]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(str(error))
    hidden_positions = {i for i, title in enumerate(header) if normalise_header(title) in hidden_columns}
    # The error column of an error workbook uploaded again is replaced by the new one.
    kept = [i for i, title in enumerate(header) if str(title or "").strip() != ERROR_COLUMN]

    def lines() -> Iterator[list[Any]]:
        header_errors = by_row.get(header_line, [])
        if not rows and header_errors:
            yield [""] * len(kept) + ["；".join(header_errors)]
        for number, original in enumerate(rows, start=header_line + 1):
            cells = ["" if i in hidden_positions or i >= len(original) else original[i] for i in kept]
            yield cells + ["；".join((header_errors if number == header_line + 1 else []) + by_row.get(number, []))]

    output = io.BytesIO()
    titles = ["" if header[i] is None else str(header[i]) for i in kept] + [ERROR_COLUMN]
    xlsx.write(output, titles, lines(), escape_formula, _("errors"))
    return output.getvalue()
