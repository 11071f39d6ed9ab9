"""What the background jobs of big imports (jobs.py) and big exports (export_jobs.py) share: the
job's row (models.BackgroundJob) holds the rows done and in all and the worker's last sign of life,
so a progress page on any app server shows them; a job whose worker gave no sign for
IMPORT_JOB_STALE_SECONDS may be started again by its owner; expired jobs are removed together."""

from __future__ import annotations

import datetime
import time
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .models import BackgroundJob, ExportJob, PendingImport

PROGRESS_EVERY_SECONDS = 1.0


def remove_expired() -> tuple[int, int]:
    """Delete expired imports (plans, uploads, error workbooks) and expired exports (their files):
    (imports, exports) removed. Also run daily by `manage.py remove_expired_files`."""
    imports, _kinds = PendingImport.objects.expired().delete()
    exports, _kinds = ExportJob.objects.expired().delete()
    return imports, exports


def is_stale(job: BackgroundJob, running: Collection[str]) -> bool:
    """A job in one of the `running` states whose worker gave no sign of life for
    IMPORT_JOB_STALE_SECONDS (the worker died)."""
    if job.state not in running or job.heartbeat_at is None:
        return False
    return timezone.now() - job.heartbeat_at > datetime.timedelta(seconds=settings.IMPORT_JOB_STALE_SECONDS)


def claim_restart(job: BackgroundJob, running: Collection[str]) -> bool:
    """Mark a stale job as started again (once, however many ask at the same time); False when it is
    not stale (any more). The caller queues its task again."""
    if not is_stale(job, running):
        return False
    # Each job model declares its own state field (a Q: the abstract model has none to check against).
    jobs = type(job)._default_manager.filter(Q(state=job.state), pk=job.pk, heartbeat_at=job.heartbeat_at)
    return bool(jobs.update(heartbeat_at=timezone.now(), rows_done=0))


def estimate(job: BackgroundJob, running: Collection[str], since: datetime.datetime) -> dict[str, Any]:
    """What a progress page shows: rows done and in all, percent, seconds elapsed (from `since`) and left."""
    elapsed = max((timezone.now() - since).total_seconds(), 0.0)
    total, done = job.rows_total, min(job.rows_done, job.rows_total)
    left = elapsed * (total - done) / done if done else None
    return {
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else 0,
        "elapsed": int(elapsed),
        "left": int(left) if left is not None else None,
        "stale": is_stale(job, running),
        "running": job.state in running,
    }


class ProgressReport:
    """Writes the rows done to the job at most once a second (and the worker's sign of life).

    `passes` is how many times the worker counts each row (the import's planner: two)."""

    def __init__(self, model: type[models.Model], job_pk: int, passes: int = 1) -> None:
        self.jobs = model._default_manager.filter(pk=job_pk)
        self.passes = passes
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY_SECONDS and done < total:
            return
        self.last = now
        self.jobs.update(rows_done=done // self.passes if total else 0, heartbeat_at=timezone.now())
