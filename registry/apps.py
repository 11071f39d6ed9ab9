from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")
    default_auto_field = "django.db.models.BigAutoField"
    default = True

    def ready(self):
        from registry import arrays, signals  # noqa: F401 - arrays registers the in_array lookup

        signals.connect(self)


class RegistryAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the registry's site (dashboard on the index, reports) as admin.site."""

    default_site = "registry.sites.RegistryAdminSite"
    default = False

    def ready(self):
        super().ready()
        # django-tasks-db lists its task results in the admin; they are plumbing, not registry records
        # staff keep (`manage.py db_worker` and the logs tell operators what ran).
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
