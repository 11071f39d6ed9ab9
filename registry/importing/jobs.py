"""Big files in the background: a file with more than IMPORT_BACKGROUND_ROWS rows is checked, and a
plan writing more than that many records is written, by a django-tasks task instead of the request.

The PendingImport row is the job: its state (checking → waiting for confirmation → writing → imported,
or failed), the rows done and in all, and the worker's last sign of life, all in the database, so the
progress page works on every app server and survives a reload. The user finds their imports of a
kind of record listed on its import page.

- Checking writes no record: a worker killed while checking leaves a job without a sign of life; after
  IMPORT_JOB_STALE_SECONDS its owner may start it again.
- Writing is one transaction that also marks the job imported (engine.apply_plan; the job row locked
  first): a killed worker writes nothing and the job can be started again; two workers given the same
  job write it once (the second waits for the lock and finds it imported).
- Expired jobs are removed with the other expired pending files and exports (background.remove_expired).

Progress, the worker's sign of life and starting a stale job again are shared with the background
exports (background.py).

With django-tasks' immediate backend (the default, `make run` and the tests) a task runs inside the
request that enqueues it, so the same code paths run without a worker.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from . import background, engine, reading, service
from .models import PendingImport
from .since_preview import ChangedSincePreview

State = PendingImport.State
RUNNING = (State.VALIDATING, State.APPLYING)


def is_big(rows: int) -> bool:
    return rows > settings.IMPORT_BACKGROUND_ROWS


def start_checking(
    model_label: str, data: bytes, file_name: str, user: Any, options: dict[str, Any], rows: int
) -> PendingImport:
    """A job checking the file in a worker; the caller redirects to its progress page."""
    background.remove_expired()
    job = PendingImport.objects.create(
        user=user,
        model=model_label,
        file_name=file_name[:255],
        state=State.VALIDATING,
        upload=data,
        options=options,
        rows_total=rows,
        heartbeat_at=timezone.now(),
    )
    transaction.on_commit(lambda: check_file.enqueue(job.pk))
    return job


def start_writing(job: PendingImport, ip_address: str | None) -> bool:
    """Hand a checked job to a worker; False when it was confirmed already (or meanwhile)."""
    claimed = (
        PendingImport.objects.usable()
        .filter(pk=job.pk, state=State.READY)
        .update(
            state=State.APPLYING, heartbeat_at=timezone.now(), rows_done=0, options={**job.options, "ip": ip_address}
        )
    )
    if claimed:
        transaction.on_commit(lambda: write_plan.enqueue(job.pk))
    return bool(claimed)


def is_stale(job: PendingImport) -> bool:
    """A job in a worker that gave no sign of life for IMPORT_JOB_STALE_SECONDS (the worker died)."""
    return background.is_stale(job, RUNNING)


def restart(job: PendingImport) -> bool:
    """Start a stale job again (its owner asked); False when it is not stale (any more)."""
    if not background.claim_restart(job, RUNNING):
        return False
    step = check_file if job.state == State.VALIDATING else write_plan
    transaction.on_commit(lambda: step.enqueue(job.pk))
    return True


def estimate(job: PendingImport) -> dict[str, Any]:
    """What the progress page shows: rows done and in all, percent, seconds elapsed and left."""
    since = job.heartbeat_at if job.state == State.APPLYING and job.heartbeat_at else job.created_at
    return background.estimate(job, RUNNING, since)


@task()
def check_file(job_pk: int) -> None:
    """Read and check a job's file, keep its plan (and error workbook) for the preview."""
    job = PendingImport.objects.filter(pk=job_pk, state=State.VALIDATING).select_related("user").first()
    if job is None or job.upload is None:
        return
    options = job.options
    try:
        table = service.read(job.plan_model(), bytes(job.upload), job.file_name)
        plan, header, rows = service.plan_table(
            job.plan_model(),
            table,
            job.user,
            options.get("create_missing", False),
            # The planner counts two passes over the rows; the page shows rows.
            background.ProgressReport(PendingImport, job.pk, passes=2),
            options.get("clear_blanks", False),
            options.get("review_target", ""),
        )
    except reading.UnusableFile as error:
        finish(job.pk, State.FAILED, message=str(error))
        return
    report = service.error_report(job.plan_model(), plan, header, rows, job.user) if plan.errors else None
    PendingImport.objects.filter(pk=job.pk, state=State.VALIDATING).update(
        state=State.READY,
        plan=plan.compressed(),
        error_report=report,
        upload=None,
        rows_done=len(rows),
        rows_total=len(rows),
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(seconds=settings.IMPORT_PENDING_TTL),
    )


@task()
def write_plan(job_pk: int) -> None:
    """Write a confirmed job's plan; the job is marked imported in the same transaction."""
    with transaction.atomic():
        job = PendingImport.objects.select_for_update().filter(pk=job_pk, state=State.APPLYING).first()
        if job is None:
            return  # written by another worker, or expired
        plan = service.load_plan(job)
        try:
            result = engine.apply_plan(plan, job.user, job.file_name, job.options.get("ip"))
        except ChangedSincePreview as error:
            result, state, message = None, State.FAILED, str(error)
        except IntegrityError:
            result, state = None, State.FAILED
            message = _("The registry changed after the preview and nothing was imported; upload the file again.")
        else:
            state, message = State.DONE, ""
        job.state, job.result, job.message, job.plan = state, result, message, b""
        job.finished_at = timezone.now()
        job.rows_done = job.rows_total
        job.save(update_fields=["state", "result", "message", "plan", "finished_at", "rows_done"])


def finish(job_pk: int, state: str, message: str = "") -> None:
    PendingImport.objects.filter(pk=job_pk).update(
        state=state, message=message, upload=None, finished_at=timezone.now()
    )


def done_message(job: PendingImport) -> str:
    result = job.result or {"new": 0, "updated": 0}
    return _("Import finished: %(new)d new, %(updated)d updated.") % result
