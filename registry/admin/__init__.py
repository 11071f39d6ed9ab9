"""Admin screens of the registry, one module per domain (imported below to register them)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401 - imported to register the model admins
    commissioners,
    indicators,
    lookups,
    organizations,
    platforms,
    projects,
    reminders,
    sources,
    talents,
    transfer,
)

admin.site.site_header = _("Science and Technology Bureau Registry")
admin.site.site_title = _("S&T Bureau Registry")
admin.site.index_title = _("Registry")

from registry.api import admin as api_admin  # noqa: E402,F401 - API keys

from . import security  # noqa: E402,F401 - accounts, district scopes and the audit log
