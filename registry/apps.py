from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")
    default_auto_field = "django.db.models.BigAutoField"
    default = True

    def ready(self):
        from registry import signals

        signals.connect(self)


class RegistryAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the registry's site (dashboard on the index, reports) as admin.site."""

    default_site = "registry.sites.RegistryAdminSite"
    default = False
