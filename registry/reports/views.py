"""The report page and its xlsx downloads (served by the admin site: staff login required)."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import audit, review
from registry.access import Viewer
from registry.importing.admin import attachment
from registry.models import AuditEvent

from .figures import can_export
from .tables import REPORTS, Table, Year, report_tables, year_table
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
    year = chosen_year(request)
    include_submitted = includes_submitted(request)
    with review.counting(include_submitted):
        tables = report_tables(request.user, year)
    if not tables:
        raise PermissionDenied
    by_year = next((table for table in tables if table.slug == "by-year"), None)
    years = by_year.years if by_year and not year else year_table(request.user).years
    context = {
        **site.each_context(request),
        "title": _("Statistical reports"),
        "tables": tables,
        "downloadable": {table.slug for table in tables if may_download(request.user, table)},
        "year": year,
        "years": sorted(set(years) | ({year} if year else set()), reverse=True),
        "include_submitted": include_submitted,
        "basis": counting_basis(include_submitted),
    }
    return TemplateResponse(request, "registry/reports/index.html", context)


def may_download(user: Viewer, table: Table) -> bool:
    """A report file needs the export permission of every record model its columns count."""
    return all(can_export(user, model) for model in table.models)


def report_download(site: AdminSite, request: HttpRequest, slug: str) -> HttpResponse:
    build = REPORTS.get(slug)
    if build is None:
        raise Http404(slug)
    year = chosen_year(request)
    include_submitted = includes_submitted(request)
    with review.counting(include_submitted):
        table = build(request.user, year)
    if len(table.header) <= 1 or not may_download(request.user, table):
        raise PermissionDenied
    table.note = " ".join(filter(None, [table.note, counting_basis(include_submitted)]))
    period = _("year %(year)s") % {"year": year} if year else ""
    file_name = "-".join(part for part in (table.title, period, f"{timezone.localdate():%Y%m%d}") if part) + ".xlsx"
    audit.record(
        AuditEvent.Kind.EXPORT, request, request.user, model=f"report:{slug}", rows=len(table.rows), file_name=file_name
    )
    return attachment(table_workbook(table), file_name, XLSX)
