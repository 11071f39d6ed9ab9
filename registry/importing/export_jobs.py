"""Big exports in the background: an export of more than EXPORT_BACKGROUND_ROWS rows is written by a
django-tasks task instead of the request, as a big import is checked and written (jobs.py).

The ExportJob row is the job: the records chosen on the list (its filters, search or selected rows,
kept as the list's query), its state (writing → ready for download, or failed), the rows done and
in all and the worker's last sign of life, all in the database, so the progress page works on every
app server and survives a reload. The user finds their exports of a kind of record listed on its
export page.

- The rows are those of the in-request export (writing.export_file): the same permission, district
  scope and personal-data masking, for the user as they are when the worker writes the file.
- The file is kept in the job's row, for its owner only, until EXPORT_FILE_TTL after it was written.
  The download checks again that the user may export these records and still sees what the file
  holds (the districts and personal data it was written with: `grant`).
- The audit log's line is written in the transaction that stores the file: a killed worker leaves
  neither, and after IMPORT_JOB_STALE_SECONDS without a sign its owner may start the job again; two
  workers given the same job store and log it once.
- Expired jobs are removed with expired imports (background.remove_expired).

With django-tasks' immediate backend (the default, `make run` and the tests) the task runs inside the
request that enqueues it, so the same code paths run without a worker.
"""

from __future__ import annotations

import datetime
import pickle
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from registry import access

from . import background, service, writing
from .models import ExportJob

State = ExportJob.State
RUNNING = (State.RUNNING,)


def is_big(queryset: models.QuerySet[Any], user: access.Viewer) -> bool:
    """Whether the export holds more than EXPORT_BACKGROUND_ROWS rows (counted no further)."""
    limit: int = settings.EXPORT_BACKGROUND_ROWS
    return writing.exported(queryset, user).order_by().values("pk")[: limit + 1].count() > limit


def start(queryset: models.QuerySet[Any], user: Any, kind: str, file_name: str, ip_address: str | None) -> ExportJob:
    """A job writing the export in a worker; the caller redirects to its progress page."""
    background.remove_expired()
    job = ExportJob.objects.create(
        user=user,
        model=queryset.model._meta.label,
        file_name=file_name[:255],
        kind=kind,
        # Django pickles a query to rebuild its queryset later (docs: "Pickling QuerySets"); the
        # pickle is written here and read by write_export only, never taken from a request.
        query=pickle.dumps(queryset.query),
        options={"ip": ip_address},
        heartbeat_at=timezone.now(),
    )
    transaction.on_commit(lambda: write_export.enqueue(job.pk))
    return job


def chosen(job: ExportJob) -> models.QuerySet[Any]:
    """The records the user chose on the list, as the list's queryset."""
    queryset = job.export_model()._default_manager.all()
    queryset.query = pickle.loads(bytes(job.query))  # noqa: S301 - our own pickle (start), see there
    return queryset


def job_for(token: str | uuid.UUID, user: Any, model: type[models.Model]) -> ExportJob | None:
    """The user's own unexpired export of `model` (without its file), or None."""
    try:
        return ExportJob.objects.usable().defer("data", "query").get(token=token, user=user, model=model._meta.label)
    except (ExportJob.DoesNotExist, ValueError, ValidationError):
        return None


def recent(user: Any, model: type[models.Model]) -> list[ExportJob]:
    """The user's unexpired exports of `model`, newest first."""
    mine = ExportJob.objects.usable().filter(user_id=user.pk or 0, model=model._meta.label)
    return list(mine.defer("data", "query")[:10])


def grant(user: access.Viewer, model: type[models.Model]) -> dict[str, Any]:
    """What an export of `model` for `user` may hold: the user's districts (None: every district)
    and whether personal data is written."""
    districts = access.user_districts(user)
    shared = model._meta.model_name in access.SHARED_MODELS
    return {
        "districts": None if districts is None or shared else [sorted(districts.divisions), sorted(districts.zones)],
        "personal": bool(access.personal_fields(model)) and not access.hidden_fields(user, model),
    }


def still_allowed(job: ExportJob, user: access.Viewer) -> bool:
    """Whether `user` still sees everything the job's file holds: its districts (or more) and, when
    it holds personal data, personal data."""
    then, now = job.grant or {}, grant(user, job.export_model())
    if then.get("personal", True) and not now["personal"]:
        return False
    if now["districts"] is None:
        return True
    if then.get("districts") is None:
        return False
    return all(set(before) <= set(current) for before, current in zip(then["districts"], now["districts"]))


def may_export(user: Any, model: type[models.Model]) -> bool:
    """The export permission of `model`, checked again when the worker starts (the request checked it)."""
    opts = model._meta
    return bool(user.is_active) and user.has_perm(f"{opts.app_label}.{get_permission_codename('export', opts)}")


def is_stale(job: ExportJob) -> bool:
    return background.is_stale(job, RUNNING)


def restart(job: ExportJob) -> bool:
    """Start a stale job again (its owner asked); False when it is not stale (any more)."""
    if not background.claim_restart(job, RUNNING):
        return False
    transaction.on_commit(lambda: write_export.enqueue(job.pk))
    return True


def estimate(job: ExportJob) -> dict[str, Any]:
    """What the progress page shows (background.estimate), timed from when the worker started."""
    return background.estimate(job, RUNNING, job.started_at or job.created_at)


@task()
def write_export(job_pk: int) -> None:
    """Write a job's file; it is stored and the export logged in one transaction."""
    job = ExportJob.objects.filter(pk=job_pk, state=State.RUNNING).defer("data").select_related("user").first()
    if job is None:
        return  # written by another worker, or expired
    model = job.export_model()
    if not may_export(job.user, model):
        finish(job.pk, State.FAILED, _("You may no longer export these records."))
        return
    try:
        queryset = chosen(job)
        total = writing.exported(queryset, job.user).count()
        written_for = grant(job.user, model)
        now = timezone.now()
        ExportJob.objects.filter(pk=job.pk).update(rows_total=total, rows_done=0, started_at=now, heartbeat_at=now)
        report = background.ProgressReport(ExportJob, job.pk)
        data, rows = writing.export_file(queryset, job.user, job.kind, lambda done: report(done, total))
    except Exception:
        finish(job.pk, State.FAILED, _("The export failed; export the list again."))
        raise  # the worker logs it
    with transaction.atomic():
        now = timezone.now()
        stored = ExportJob.objects.filter(pk=job.pk, state=State.RUNNING).update(
            state=State.DONE,
            data=data,
            grant=written_for,
            rows_done=rows,
            rows_total=rows,
            finished_at=now,
            heartbeat_at=now,
            expires_at=now + datetime.timedelta(seconds=settings.EXPORT_FILE_TTL),
        )
        if stored:
            service.record_export(model, job.user, rows, job.file_name, job.options.get("ip"))


def finish(job_pk: int, state: str, message: str = "") -> None:
    ExportJob.objects.filter(pk=job_pk, state=State.RUNNING).update(
        state=state, message=message, finished_at=timezone.now()
    )
