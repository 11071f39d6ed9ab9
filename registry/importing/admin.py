"""Admin integration of spreadsheet import and export.

SpreadsheetMixin extends django-import-export's ImportExportMixin: its URLs, buttons, permission
checks (import_<model> / export_<model>) and export form stay; the import steps and the file
writing are replaced by our engine (see engine.py for why: one validation pass, bulk writes, precise
Chinese errors, stored plan instead of a temporary file). Big imports and exports run in a worker
(jobs.py, export_jobs.py); their pages show the progress and list the user's recent ones.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLS, XLSX
from import_export.forms import ExportForm

from registry import audit

from . import export_jobs, jobs, reading, service, writing
from .columns import columns_for
from .forms import ConfirmForm, SpreadsheetImportForm
from .models import ExportJob, PendingImport
from .review_states import Target

CHANGES_PER_PAGE = 50
ERRORS_SHOWN = 200


class SpreadsheetMixin(ImportExportMixin):  # type: ignore[misc]  # django-import-export ships no types
    import_formats = [XLSX, XLS, CSV]
    export_formats = [XLSX, CSV]
    # Format choice only: the columns are fixed so that an export can be imported again.
    export_form_class = ExportForm
    import_template_name = "registry/importing/import.html"
    export_template_name = "registry/importing/export.html"

    def url_name(self, action: str) -> str:
        app_label, model_name = self.get_model_info()
        return f"{app_label}_{model_name}_{action}"

    def admin_url(self, action: str) -> str:
        return reverse(f"admin:{self.url_name(action)}")

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "import/template/",
                self.admin_site.admin_view(self.template_view),
                name=self.url_name("import_template"),
            ),
            path(
                "import/restart/<uuid:token>/",
                self.admin_site.admin_view(self.restart_view),
                name=self.url_name("import_restart"),
            ),
            path(
                "import/errors/<uuid:token>/",
                self.admin_site.admin_view(self.error_report_view),
                name=self.url_name("import_errors"),
            ),
            path(
                "export/<uuid:token>/",
                self.admin_site.admin_view(self.export_job_view),
                name=self.url_name("export_job"),
            ),
            path(
                "export/<uuid:token>/file/",
                self.admin_site.admin_view(self.export_download_view),
                name=self.url_name("export_download"),
            ),
            path(
                "export/<uuid:token>/restart/",
                self.admin_site.admin_view(self.export_restart_view),
                name=self.url_name("export_restart"),
            ),
        ]
        urls: list[URLPattern] = super().get_urls()
        return [*extra, *urls]

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        # Replaces DIE's dry-run import: validate once, store the plan, redirect to its preview.
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "GET" and request.GET.get("token"):
            return self.preview_view(request, request.GET["token"])
        form = SpreadsheetImportForm(request.POST or None, request.FILES or None, model=self.model, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            data = upload.read()
            options = {
                "create_missing": form.cleaned_data["create_missing"],
                "clear_blanks": form.cleaned_data["clear_blanks"],
                "review_target": form.cleaned_data.get("review_target", ""),
            }
            try:
                table = service.read(self.model, data, upload.name)
            except reading.UnusableFile as error:
                form.add_error("import_file", str(error))
            else:
                if jobs.is_big(len(table.rows)):  # checked by a worker; the page shows its progress
                    job = jobs.start_checking(
                        self.model._meta.label, data, upload.name, request.user, options, len(table.rows)
                    )
                    return HttpResponseRedirect(f"{request.path}?token={job.token}")
                plan, header, rows = service.plan_table(
                    self.model,
                    table,
                    request.user,
                    options["create_missing"],
                    clear_blanks=options["clear_blanks"],
                    review_target=options["review_target"],
                )
                report = service.error_report(self.model, plan, header, rows, request.user) if plan.errors else None
                pending = service.store(plan, request.user, upload.name, report)
                return HttpResponseRedirect(f"{request.path}?token={pending.token}")
        return self.render_import(request, {"form": form, "jobs": self.recent_jobs(request)})

    def recent_jobs(self, request: HttpRequest) -> list[PendingImport]:
        """The user's unexpired imports of this kind of record, newest first (also the background ones)."""
        mine = PendingImport.objects.usable().filter(user_id=request.user.pk or 0, model=self.model._meta.label)
        return list(mine.defer("plan", "error_report", "upload")[:10])

    def preview_view(self, request: HttpRequest, token: str) -> HttpResponse:
        pending = service.pending_for(token, request.user)
        if pending is None or pending.model != self.model._meta.label:
            messages.error(request, _("This import has expired or does not exist; upload the file again."))
            return HttpResponseRedirect(self.admin_url("import"))
        if pending.state != PendingImport.State.READY:
            # Checked or written by a worker: its progress, or how it ended.
            progress = jobs.estimate(pending)
            return self.render_import(request, {"job": pending, "progress": progress})
        plan = service.load_plan(pending)
        page = Paginator(plan.changes, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "pending": pending,
            "plan": plan,
            "counts": plan.counts,
            "page": page,
            "errors": plan.errors[:ERRORS_SHOWN],
            "more_errors": max(len(plan.errors) - ERRORS_SHOWN, 0),
            "review_target": Target(plan.review_target).label if plan.review_target else "",
            "confirm_form": ConfirmForm(initial={"token": pending.token})
            if plan.has_changes and not plan.errors
            else None,
        }
        return self.render_import(request, context)

    def render_import(self, request: HttpRequest, context: dict[str, Any]) -> TemplateResponse:
        context.update(self.admin_site.each_context(request))
        context.update(
            {
                "title": _("Import"),
                "opts": self.model._meta,
                "columns": columns_for(self.model),
                "template_url": self.admin_url("import_template"),
                "ttl_minutes": service.pending_ttl_minutes(),
            }
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        # Applies the stored plan instead of re-importing the file a second time.
        if request.method != "POST":
            raise Http404
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ConfirmForm(request.POST)
        pending = service.pending_for(form.cleaned_data["token"], request.user) if form.is_valid() else None
        if pending is None or pending.model != self.model._meta.label:
            messages.error(request, _("This import has expired or does not exist; upload the file again."))
            return HttpResponseRedirect(self.admin_url("import"))
        if pending.state != PendingImport.State.READY:
            messages.error(request, _("This import was confirmed already; nothing was written a second time."))
            return HttpResponseRedirect(f"{self.admin_url('import')}?token={pending.token}")
        plan = service.load_plan(pending)
        if plan.errors:
            raise PermissionDenied
        if jobs.is_big(len(plan.creates) + len(plan.updates)):  # written by a worker
            if not jobs.start_writing(pending, audit.client_address(request)):
                messages.error(request, _("This import was confirmed already; nothing was written a second time."))
            return HttpResponseRedirect(f"{self.admin_url('import')}?token={pending.token}")
        try:
            result = service.confirm(pending, request.user, audit.client_address(request))
        except service.ChangedSincePreview as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self.admin_url("import"))
        except service.AlreadyConfirmed:
            messages.error(request, _("This import was confirmed already; nothing was written a second time."))
            return HttpResponseRedirect(self.admin_url("changelist"))
        except IntegrityError:
            # Someone saved a conflicting record after the preview; nothing was written.
            messages.error(
                request, _("The registry changed after the preview and nothing was imported; upload the file again.")
            )
            return HttpResponseRedirect(self.admin_url("import"))
        messages.success(request, _("Import finished: %(new)d new, %(updated)d updated.") % result)
        return HttpResponseRedirect(self.admin_url("changelist"))

    def restart_view(self, request: HttpRequest, token: str) -> HttpResponse:
        if request.method != "POST" or not self.has_import_permission(request):
            raise PermissionDenied
        pending = service.pending_for(token, request.user)
        if pending is None:
            raise Http404
        if not jobs.restart(pending):
            messages.warning(request, _("This import is still running; it can be started again only when it stalls."))
        return HttpResponseRedirect(f"{self.admin_url('import')}?token={pending.token}")

    def template_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = _("%(model)s import template") % {"model": self.model._meta.verbose_name}
        return attachment(writing.template_workbook(self.model), f"{name}.xlsx", writing.XLSX_TYPE)

    def error_report_view(self, request: HttpRequest, token: str) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        pending = service.pending_for(token, request.user)
        if pending is None or not pending.error_report:
            raise Http404
        name = _("errors in %(file)s") % {"file": pending.file_name.rsplit(".", 1)[0]}
        return attachment(bytes(pending.error_report), f"{name}.xlsx", writing.XLSX_TYPE)

    def _do_file_export(
        self, file_format: Any, request: HttpRequest, queryset: QuerySet[Any], export_form: Any = None
    ) -> HttpResponse:
        # Our writer: Chinese headers, native cells, escaped formulas, blank personal data, audit;
        # a big export is written by a worker and this answers with its progress page.
        kind = "csv" if file_format.get_extension() == "csv" else "xlsx"
        name = f"{self.model._meta.verbose_name_plural}-{timezone.localdate():%Y%m%d}.{kind}"
        if export_jobs.is_big(queryset, request.user):
            job = export_jobs.start(queryset, request.user, kind, name, audit.client_address(request))
            return HttpResponseRedirect(reverse(f"admin:{self.url_name('export_job')}", args=[job.token]))
        data = service.export(queryset, request.user, kind, name, audit.client_address(request))
        return attachment(data, name, content_type_of(kind))

    # The export page also lists the user's recent background exports of this kind of record.
    def init_request_context_data(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().init_request_context_data(request, form)
        context["export_jobs"] = export_jobs.recent(request.user, self.model)
        return context

    def export_job_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """A background export's progress, or its download link, or why it failed."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        job = export_jobs.job_for(token, request.user, self.model)
        if job is None:
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": _("Export"),
            "opts": self.model._meta,
            "job": job,
            "progress": export_jobs.estimate(job),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.export_template_name], context)

    def export_download_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """The file of the user's own finished export, while they may still see all it holds."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        job = export_jobs.job_for(token, request.user, self.model)
        if job is None or job.state != ExportJob.State.DONE:
            raise Http404
        if not export_jobs.still_allowed(job, request.user):
            raise PermissionDenied
        data = ExportJob.objects.filter(pk=job.pk).values_list("data", flat=True).first()
        if data is None:
            raise Http404
        return attachment(bytes(data), job.file_name, content_type_of(job.kind))

    def export_restart_view(self, request: HttpRequest, token: str) -> HttpResponse:
        if request.method != "POST" or not self.has_export_permission(request):
            raise PermissionDenied
        job = export_jobs.job_for(token, request.user, self.model)
        if job is None:
            raise Http404
        if not export_jobs.restart(job):
            messages.warning(request, _("This export is still running; it can be started again only when it stalls."))
        return HttpResponseRedirect(reverse(f"admin:{self.url_name('export_job')}", args=[job.token]))


def content_type_of(kind: str) -> str:
    return writing.CSV_TYPE if kind == "csv" else writing.XLSX_TYPE


def attachment(data: bytes, file_name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name) or "attachment"
    return response
