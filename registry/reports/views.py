"""The report page and its xlsx downloads (served by the admin site: staff login required)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import audit
from registry.access import Viewer
from registry.importing.admin import attachment
from registry.models import AuditEvent

from . import snapshots
from .figures import can_export
from .tables import REPORTS, Table, Year
from .xlsx import XLSX, table_workbook


def chosen_year(request: HttpRequest) -> Year:
    """The year of ?year=2024 (None: all years; anything else is ignored)."""
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 1900 < int(value) < 2200 else None


def includes_submitted(request: HttpRequest) -> bool:
    """The switch 含待审核: ?submitted=1 counts submitted records as well as approved ones."""
    return request.GET.get("submitted") == "1"


def counting_basis(include_submitted: bool) -> str:
    """What the figures count, said on the page and in each file."""
    if include_submitted:
        return _("Counted: approved and submitted records.")
    return _("Counted: approved records only.")


def reports_page(site: AdminSite, request: HttpRequest) -> TemplateResponse:
    """The newest snapshot of the tables (registry.reports.snapshots), recomputed in the background
    when out of date or when ?recount=1 asks for it; while the first count runs the page says so."""
    if not any(snapshots.Audience.of(request.user).permissions):
        raise PermissionDenied
    year = chosen_year(request)
    include_submitted = includes_submitted(request)
    shown = snapshots.shown(request.user, year, include_submitted, recount=request.GET.get("recount") == "1")
    tables = shown.tables or []
    context = {
        **site.each_context(request),
        "title": _("Statistical reports"),
        "tables": tables,
        "shown": shown,
        "downloadable": {table.slug for table in tables if may_download(request.user, table)},
        "year": year,
        "years": report_years(request.user, year, include_submitted, tables),
        "include_submitted": include_submitted,
        "basis": counting_basis(include_submitted),
    }
    return TemplateResponse(request, "registry/reports/index.html", context)


def report_years(user: Viewer, year: Year, include_submitted: bool, tables: list[Table]) -> list[int]:
    """The years the selector offers: those of the all-years by-year table (from its snapshot when a
    year is shown), and the chosen year."""
    if year:
        tables = snapshots.tables_of(snapshots.snapshot_for(user, None, include_submitted)) or []
    years = next((table.years for table in tables if table.slug == "by-year"), [])
    return sorted(set(years) | ({year} if year else set()), reverse=True)


def may_download(user: Viewer, table: Table) -> bool:
    """A report file needs the export permission of every record model its columns count."""
    return all(can_export(user, model) for model in table.models)


def snapshot_tables(user: Viewer, year: Year, include_submitted: bool) -> list[Table] | None:
    """The tables as the page shows them (the same snapshot, so file and page agree). When none has
    been computed yet the background task is asked for one, never counted in this request; None
    until it has run (the immediate backend of development runs it at once)."""
    snapshot = snapshots.snapshot_for(user, year, include_submitted)
    tables = snapshots.tables_of(snapshot)
    if tables is None:
        snapshots.request_refresh(snapshot)
        snapshot.refresh_from_db()
        tables = snapshots.tables_of(snapshot)
    return tables


def report_download(site: AdminSite, request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in REPORTS:
        raise Http404(slug)
    year = chosen_year(request)
    include_submitted = includes_submitted(request)
    tables = snapshot_tables(request.user, year, include_submitted)
    if tables is None:
        messages.info(request, _("The reports are being counted; download the table when the page shows it."))
        return HttpResponseRedirect(reverse(f"{site.name}:registry_reports") + "?" + request.GET.urlencode())
    table = next((table for table in tables if table.slug == slug), None)
    if table is None or not may_download(request.user, table):
        raise PermissionDenied
    table.note = " ".join(filter(None, [table.note, counting_basis(include_submitted)]))
    period = _("year %(year)s") % {"year": year} if year else ""
    file_name = "-".join(part for part in (table.title, period, f"{timezone.localdate():%Y%m%d}") if part) + ".xlsx"
    audit.record(
        AuditEvent.Kind.EXPORT, request, request.user, model=f"report:{slug}", rows=len(table.rows), file_name=file_name
    )
    return attachment(table_workbook(table), file_name, XLSX)
