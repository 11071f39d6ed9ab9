"""Audit events that are not record changes: logins, failed logins, imports, exports, API calls, merges and
review steps.

Record changes themselves are kept by django-simple-history on every model.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Something a user did that administrators must be able to trace."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logout")
        IMPORT = "import", _("import")
        EXPORT = "export", _("export")
        API = "api", _("API call")
        MERGE = "merge", _("merge of duplicates")
        REVIEW = "review", _("review")
        DOWNLOAD = "download", _("download of evidence")
        REGISTRATION = "registration", _("contract registration")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, verbose_name=_("user"), null=True, blank=True)
    username = models.CharField(_("user name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    model = models.CharField(_("record type"), max_length=100, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()}"
