"""The page 到期提醒 and its xlsx file, and the reminder rules administrators set.

The rows are registry.reminders' for the signed-in user (district scope and view permissions from
registry/access.py); the file holds the same rows, limited to the kinds the user may export.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from registry import access, audit, validity
from registry.importing.admin import attachment
from registry.models import AuditEvent, DevelopmentZone, Division, ReminderKind, ReminderRule
from registry.reminders import Due, Filters, Reminder, reminders, visible_sources
from registry.reports.xlsx import XLSX
from registry.sheet_text import keep_text

COLUMNS = (
    _("kind"),
    _("record"),
    _("detail"),
    _("division or zone"),
    _("due on"),
    _("days left"),
)


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "lead_days", "district_staff_only", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("kind",)
    filter_horizontal = ("groups",)
    fields = ("kind", "lead_days", "groups", "district_staff_only", "is_active")


def number(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def chosen_filters(request: HttpRequest) -> Filters:
    """?kind=…&division=…&zone=…&due=… (unknown values are ignored)."""
    kind = request.GET.get("kind", "")
    due = request.GET.get("due", "")
    return Filters(
        kind=kind if kind in ReminderKind.values else "",
        division=number(request.GET.get("division", "")),
        zone=number(request.GET.get("zone", "")),
        due=due if due in Due.values else "",
    )


def district_choices(user: Any) -> tuple[list[Division], list[DevelopmentZone]]:
    """The divisions and zones the filter offers: the user's own (all for city-wide staff)."""
    divisions = Division.objects.filter(in_hohhot=True)
    zones = DevelopmentZone.objects.all()
    districts = access.user_districts(user)
    if districts is not None:
        divisions = Division.objects.filter(pk__in=districts.divisions)
        zones = zones.filter(pk__in=districts.zones)
    return list(divisions), list(zones)


def may_see(request: HttpRequest) -> bool:
    return bool(visible_sources(request.user))


def reminders_page(site: AdminSite, request: HttpRequest) -> TemplateResponse:
    if not may_see(request):
        raise PermissionDenied
    filters = chosen_filters(request)
    day = validity.today()
    divisions, zones = district_choices(request.user)
    context = {
        **site.each_context(request),
        "title": _("Due-date reminders"),
        "rows": reminders(request.user, day, filters),
        "filters": filters,
        "today": day,
        "kinds": [(source.kind.value, source.kind.label) for source in visible_sources(request.user)],
        "dues": Due.choices,
        "divisions": divisions,
        "zones": zones,
        "downloadable": bool(exportable_kinds(request.user)),
        "query": request.GET.urlencode(),
    }
    return TemplateResponse(request, "registry/reminders/index.html", context)


def exportable_kinds(user: Any) -> set[str]:
    """The kinds whose records the user may take away in a file (the export permission of the model)."""
    sources = visible_sources(user)
    return {source.kind for source in sources if user.has_perm(source.permission.replace(".view_", ".export_"))}


def reminders_download(site: AdminSite, request: HttpRequest) -> HttpResponse:
    kinds = exportable_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    day = validity.today()
    rows = [row for row in reminders(request.user, day, chosen_filters(request)) if row.kind in kinds]
    file_name = f"{gettext('Due-date reminders')}-{day:%Y%m%d}.xlsx"
    audit.record(AuditEvent.Kind.EXPORT, request, request.user, model="reminders", rows=len(rows), file_name=file_name)
    return attachment(workbook(rows), file_name, XLSX)


def workbook(rows: list[Reminder]) -> bytes:
    """The page's rows: kind, record, detail, district, due date (a date cell) and days left."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = gettext("Due-date reminders")[:31]
    sheet.append([str(label) for label in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [str(ReminderKind(row.kind).label), row.subject, row.detail, row.district, row.due_on, row.days_left]
        )
        sheet.cell(sheet.max_row, 5).number_format = "yyyy-mm-dd"
    sheet.column_dimensions["B"].width = 40
    keep_text(book)
    output = BytesIO()
    book.save(output)
    return output.getvalue()
