"""The report page and its xlsx downloads (served by the admin site: staff login required)."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import audit
from registry.access import Viewer
from registry.models import AuditEvent

from .figures import can_export
from .tables import REPORTS, Table, report_tables
from .xlsx import XLSX, table_workbook


def reports_page(site: AdminSite, request: HttpRequest) -> TemplateResponse:
    tables = report_tables(request.user)
    if not tables:
        raise PermissionDenied
    context = {
        **site.each_context(request),
        "title": _("Statistical reports"),
        "tables": tables,
        "downloadable": {table.slug for table in tables if may_download(request.user, table)},
    }
    return TemplateResponse(request, "registry/reports/index.html", context)


def may_download(user: Viewer, table: Table) -> bool:
    """A report file needs the export permission of every record model its columns count."""
    return all(can_export(user, model) for model in table.models)


def report_download(site: AdminSite, request: HttpRequest, slug: str) -> HttpResponse:
    build = REPORTS.get(slug)
    if build is None:
        raise Http404(slug)
    table = build(request.user)
    if len(table.header) <= 1 or not may_download(request.user, table):
        raise PermissionDenied
    file_name = f"{slug}-{timezone.localdate():%Y%m%d}.xlsx"
    audit.record(
        AuditEvent.Kind.EXPORT, request, request.user, model=f"report:{slug}", rows=len(table.rows), file_name=file_name
    )
    response = HttpResponse(table_workbook(table), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
