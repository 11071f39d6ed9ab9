"""The admin site of the registry: the standard admin with a dashboard on its index and the reports."""

from functools import partial

from django.contrib import admin
from django.urls import path

from registry.reports.dashboard import cached_dashboard
from registry.reports.views import report_download, reports_page


class RegistryAdminSite(admin.AdminSite):
    index_template = "registry/dashboard/index.html"
    # The sidebar repeats the whole app list (40 models) on every page, a sixth of a list page's
    # rendering time; the index and breadcrumbs already lead everywhere (docs/scaling.md).
    enable_nav_sidebar = False

    # The index adds the dashboard figures above the usual app list.
    def index(self, request, extra_context=None):
        dashboard = cached_dashboard(request.user, refresh="refresh" in request.GET)
        context = {"dashboard": dashboard, **(extra_context or {})}
        return super().index(request, context)

    # The report pages live under the admin, behind its login.
    def get_urls(self):
        reports = [
            path("reports/", self.admin_view(partial(reports_page, self)), name="registry_reports"),
            path(
                "reports/<slug:slug>.xlsx",
                self.admin_view(partial(report_download, self)),
                name="registry_report_xlsx",
            ),
        ]
        return reports + super().get_urls()
