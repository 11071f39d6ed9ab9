"""Import and export as whole operations, shared by the admin and the management commands."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import access, audit
from registry.models import AuditEvent

from . import background, engine, reading, review_states, writing
from .columns import columns_for, header_index
from .header import header_score
from .models import PendingImport
from .since_preview import ChangedSincePreview as ChangedSincePreview  # raised by apply_plan and confirm


def validate(
    model: type[models.Model],
    data: bytes,
    file_name: str,
    user: access.Viewer,
    create_missing: bool = False,
    progress: Callable[[int, int], None] | None = None,
    clear_blanks: bool = False,
    review_target: str = "",
) -> tuple[engine.Plan, list[Any], list[list[Any]]]:
    """Read and validate a file: (plan, header, rows). Raises reading.UnusableFile, or PermissionDenied
    for a review target the user may not choose (review_states.check_target; "" means drafts)."""
    review_states.check_target(user, model, review_target)
    table = read(model, data, file_name)
    return plan_table(model, table, user, create_missing, progress, clear_blanks, review_target)


def read(model: type[models.Model], data: bytes, file_name: str) -> reading.Table:
    """The file's table: the header looked for below title rows and on every sheet (reading.read_table)."""
    return reading.read_table(data, file_name, header_score(columns_for(model)))


def plan_table(
    model: type[models.Model],
    table: reading.Table,
    user: access.Viewer,
    create_missing: bool = False,
    progress: Callable[[int, int], None] | None = None,
    clear_blanks: bool = False,
    review_target: str = "",
) -> tuple[engine.Plan, list[Any], list[list[Any]]]:
    """Validate a table read from a file: (plan, header, rows)."""
    target = review_states.check_target(user, model, review_target)
    plan = engine.build_plan(
        model, table.header, table.rows, user, create_missing, progress, clear_blanks, table.header_line, target
    )
    if len(table.sheets) > 1:
        plan.sheet = table.sheet
    return plan, table.header, table.rows


def error_report(
    model: type[models.Model], plan: engine.Plan, header: list[Any], rows: list[list[Any]], user: access.Viewer
) -> bytes:
    hidden = set(access.hidden_fields(user, model))
    titles = {title for title, column in header_index(columns_for(model)).items() if column.name in hidden}
    return writing.error_workbook(header, rows, plan.errors, titles, plan.header_line)


def store(plan: engine.Plan, user: Any, file_name: str, report: bytes | None = None) -> PendingImport:
    """Keep the validated plan until the user confirms it; old pending files (and exports) are removed."""
    background.remove_expired()
    return PendingImport.objects.create(
        user=user,
        model=plan.model_label,
        file_name=file_name[:255],
        plan=plan.compressed(),
        error_report=report,
    )


def pending_for(token: str | uuid.UUID, user: Any) -> PendingImport | None:
    """The user's own unexpired pending import, or None."""
    try:
        return PendingImport.objects.usable().get(token=token, user=user)
    except (PendingImport.DoesNotExist, ValueError, ValidationError):
        return None


def load_plan(pending: PendingImport) -> engine.Plan:
    return engine.Plan.from_compressed(bytes(pending.plan))


def apply_plan(plan: engine.Plan, user: access.Viewer, file_name: str, ip_address: str | None = None) -> dict[str, int]:
    return engine.apply_plan(plan, user, file_name, ip_address)


class AlreadyConfirmed(Exception):
    """The pending import was confirmed already (or is being confirmed right now)."""


def confirm(pending: PendingImport, user: access.Viewer, ip_address: str | None = None) -> dict[str, int]:
    """Apply a stored plan exactly once.

    The first statement of the transaction that writes the plan claims the pending row (an
    UPDATE, which waits for any other confirmation of it to finish), and the same transaction
    deletes it: simultaneous confirms write once, the others raise AlreadyConfirmed, and a
    crash after the commit leaves nothing to confirm again."""
    plan = load_plan(pending)
    with transaction.atomic():
        claimed = (
            PendingImport.objects.usable()
            .filter(pk=pending.pk, state=PendingImport.State.READY)
            .update(expires_at=timezone.now())
        )
        if not claimed:
            raise AlreadyConfirmed
        result = engine.apply_plan(plan, user, pending.file_name, ip_address)
        PendingImport.objects.filter(pk=pending.pk).delete()
    return result


def export(
    queryset: models.QuerySet[Any], user: access.Viewer, kind: str, file_name: str, ip_address: str | None = None
) -> bytes:
    """An export file of the user's visible records in `queryset`; logged as an AuditEvent.
    (A big export is written by a worker with the same two steps: export_jobs.write_export.)"""
    data, rows = writing.export_file(queryset, user, kind)
    record_export(queryset.model, user, rows, file_name, ip_address)
    return data


def record_export(
    model: type[models.Model], user: access.Viewer, rows: int, file_name: str, ip_address: str | None = None
) -> None:
    """The audit log's line for an export file just written."""
    audit.record(AuditEvent.Kind.EXPORT, user=user, ip_address=ip_address, model=model, rows=rows, file_name=file_name)


def summary(plan: engine.Plan) -> str:
    counts = plan.counts
    return str(_("%(new)d new, %(updated)d updated, %(unchanged)d unchanged, %(errors)d rows with errors") % counts)


def pending_ttl_minutes() -> int:
    from django.conf import settings

    ttl: int = settings.IMPORT_PENDING_TTL
    return ttl // 60


class CommandUser:
    """The operator at the command line: not a web user, sees every column (like a superuser)."""

    pk = None
    username = ""
    # Whoever runs manage.py has the database itself: unscoped, every column (registry.access).
    is_authenticated = True
    is_active = True
    is_superuser = True

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return True
