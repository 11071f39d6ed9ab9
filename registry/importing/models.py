"""The file waiting for confirmation: its validated plan, kept in the database so that any app
server can confirm it, until it expires."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingImportQuerySet(models.QuerySet["PendingImport"]):
    def expired(self) -> PendingImportQuerySet:
        return self.filter(expires_at__lte=timezone.now())

    def usable(self) -> PendingImportQuerySet:
        return self.filter(expires_at__gt=timezone.now())


class PendingImport(models.Model):
    """An uploaded spreadsheet validated and previewed, waiting for the user to confirm it."""

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, verbose_name=_("user"))
    model = models.CharField(_("record type"), max_length=100)
    file_name = models.CharField(_("file name"), max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    plan = models.BinaryField(_("validated plan"))
    error_report = models.BinaryField(_("error workbook"), null=True, blank=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.model})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.expires_at is None:
            self.expires_at = timezone.now() + datetime.timedelta(seconds=settings.IMPORT_PENDING_TTL)
        super().save(*args, **kwargs)
