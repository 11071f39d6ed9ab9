"""The 403 page: in the admin's layout and language, saying what was refused and whom to ask."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


def permission_denied(request, exception=None):
    """handler403 (config/urls.py): staff get the admin header and links; others a plain page."""
    context = {"title": _("Permission denied"), "reason": str(exception or "")}
    if getattr(request, "user", None) is not None and request.user.is_active and request.user.is_staff:
        context = {**admin.site.each_context(request), **context}
    response = TemplateResponse(request, "registry/403.html", context, status=403)
    return response.render()
