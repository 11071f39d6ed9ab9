"""Spreadsheets on their way in and out. An uploaded file is validated (in the request, or by a worker
for a big file: jobs.py), its plan kept in the database so that any app server can show and confirm
it, until it expires. A big export is written by a worker (export_jobs.py) and its file kept in the
database for the user who asked, until it expires."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingImportQuerySet(models.QuerySet["PendingImport"]):
    def expired(self) -> PendingImportQuerySet:
        return self.filter(expires_at__lte=timezone.now())

    def usable(self) -> PendingImportQuerySet:
        return self.filter(expires_at__gt=timezone.now())


class BackgroundJob(models.Model):
    """What a job run by a worker reports on its row (background.py): rows done and in all, the
    worker's last sign of life, when it ended and why it failed. Each job declares its own states."""

    state: str
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    heartbeat_at = models.DateTimeField(_("last sign of the worker"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        abstract = True


class PendingImport(BackgroundJob):
    """An uploaded spreadsheet: being validated, validated and waiting for the user to confirm it,
    being written, written, or failed. A big file's steps run in a worker (importing/jobs.py), which
    reports its progress here, so any app server can show it."""

    class State(models.TextChoices):
        VALIDATING = "validating", _("checking the file")
        READY = "ready", _("checked, waiting for confirmation")
        APPLYING = "applying", _("writing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, verbose_name=_("user"))
    model = models.CharField(_("record type"), max_length=100)
    file_name = models.CharField(_("file name"), max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    plan = models.BinaryField(_("validated plan"), default=b"")
    error_report = models.BinaryField(_("error workbook"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.READY)
    upload = models.BinaryField(_("uploaded file"), null=True, blank=True)  # until a worker has read it
    options = models.JSONField(_("import options"), default=dict, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)

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

    def plan_model(self) -> type[models.Model]:
        return apps.get_model(self.model)


class ExportJobQuerySet(models.QuerySet["ExportJob"]):
    def expired(self) -> ExportJobQuerySet:
        return self.filter(expires_at__lte=timezone.now())

    def usable(self) -> ExportJobQuerySet:
        return self.filter(expires_at__gt=timezone.now())


class ExportJob(BackgroundJob):
    """A big export written by a worker (importing/export_jobs.py): the records chosen on the list
    (its filters and search, kept as the list's query), the file once written, for the user who asked
    only. The file stays in the database (served by no URL, any app server can hand it out) until
    the job expires."""

    class State(models.TextChoices):
        RUNNING = "running", _("writing the file")
        DONE = "done", _("ready for download")
        FAILED = "failed", _("failed")

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, verbose_name=_("user"))
    model = models.CharField(_("record type"), max_length=100)
    file_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("file type"), max_length=10)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.RUNNING)
    # The list's query (filters, search, selected rows) as Django pickles it; written and read only here.
    query = models.BinaryField(_("chosen records"), default=b"")
    options = models.JSONField(_("export options"), default=dict, blank=True)
    # What the user might see when the file was written (districts, personal data): checked at download.
    grant = models.JSONField(_("access when written"), null=True, blank=True)
    data = models.BinaryField(_("file"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background export")
        verbose_name_plural = _("background exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.model})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.expires_at is None:
            self.expires_at = timezone.now() + datetime.timedelta(seconds=settings.EXPORT_FILE_TTL)
        super().save(*args, **kwargs)

    def export_model(self) -> type[models.Model]:
        return apps.get_model(self.model)
