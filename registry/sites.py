"""The admin site of the registry: sections by business line on the index and in a cached sidebar,
the dashboard below the sections, the reminders sent to the user above them, the reports and the
page of due-date reminders."""

from functools import partial

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import SimpleLazyObject

from registry import navigation, validity
from registry.reminder_sending import notices
from registry.reports.dashboard import cached_dashboard
from registry.reports.views import counting_basis, includes_submitted, report_download, reports_page
from registry.review import queue_counts, returned_counts


class RegistryAdminSite(admin.AdminSite):
    index_template = "registry/dashboard/index.html"
    # The sidebar is the registry's own (registry/navigation.py): rendered once per user and
    # cached, so it costs a page one cache read instead of the whole app list (docs/scaling.md).
    enable_nav_sidebar = True

    # Django's context for every admin page, except that the app list (permission checks and URLs
    # for 40 models) is built only when a template reads it: the index, or a sidebar cache miss.
    def each_context(self, request):
        script_name = request.META["SCRIPT_NAME"]
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": script_name if self.site_url == "/" and script_name else self.site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(partial(self.get_app_list, request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
            # Every admin page links to the review queue (待审核 (N)) or to the user's returned records.
            **self.review_links(request),
        }

    def review_links(self, request):
        user = request.user
        if not (user.is_active and user.is_staff):
            return {}
        return {"review_queue": queue_counts(user), "review_returned": returned_counts(user)}

    # The app list is shown by business line (index, section pages, sidebar); an app's own page
    # (/admin/registry/) keeps Django's list of that app.
    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        return app_list if app_label else navigation.grouped(request, app_list)

    # The index adds the user's standing reminders above the sections and the dashboard figures below.
    def index(self, request, extra_context=None):
        include_submitted = includes_submitted(request)
        dashboard = cached_dashboard(request.user, "refresh" in request.GET, include_submitted)
        context = {
            "dashboard": dashboard,
            "basis": counting_basis(include_submitted),
            "reminder_notices": notices(request.user, validity.today()),
            **(extra_context or {}),
        }
        return super().index(request, context)

    def section_view(self, request, key):
        """One business line's record kinds, the target of its breadcrumb."""
        section = next((s for s in self.get_app_list(request) if s["app_label"] == key), None)
        if section is None:
            raise Http404(key)
        context = {**self.each_context(request), "title": section["name"], "sections": [section]}
        return TemplateResponse(request, "registry/navigation/section.html", context)

    # The review queue, the report pages and the section pages live under the admin, behind its login.
    def get_urls(self):
        # registry.admin registers its screens on this site while it is imported: import it late.
        from registry.admin.evidence import download_view, verdict_view
        from registry.admin.reminders import reminders_download, reminders_page
        from registry.admin.review import queue_view

        pages = [
            path("review/", self.admin_view(partial(queue_view, self)), name="registry_review_queue"),
            path("reports/", self.admin_view(partial(reports_page, self)), name="registry_reports"),
            path(
                "reports/<slug:slug>.xlsx",
                self.admin_view(partial(report_download, self)),
                name="registry_report_xlsx",
            ),
            path("reminders/", self.admin_view(partial(reminders_page, self)), name="registry_reminders"),
            path(
                "reminders.xlsx",
                self.admin_view(partial(reminders_download, self)),
                name="registry_reminders_xlsx",
            ),
            path("section/<slug:key>/", self.admin_view(self.section_view), name="registry_section"),
            path("evidence/<int:pk>/", self.admin_view(download_view), name="registry_evidence_download"),
            path("evidence/<int:pk>/verdict/", self.admin_view(verdict_view), name="registry_evidence_verdict"),
        ]
        return pages + super().get_urls()
