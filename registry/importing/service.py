"""Import and export as whole operations, shared by the admin and the management commands."""

from __future__ import annotations

import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from registry import access
from registry.models import AuditEvent

from . import engine, reading, writing
from .columns import columns_for, header_index
from .models import PendingImport


def check_file(data: bytes, file_name: str) -> tuple[list, list]:
    """(header, rows); raises reading.UnusableFile."""
    return reading.read_table(data, file_name)


def validate(model, data: bytes, file_name: str, user, create_missing=False, progress=None):
    """Read and validate a file: (plan, header, rows). Raises reading.UnusableFile."""
    header, rows = reading.read_table(data, file_name)
    plan = engine.build_plan(model, header, rows, user, create_missing, progress)
    return plan, header, rows


def error_report(model, plan, header, rows, user) -> bytes:
    hidden = set(access.hidden_fields(user, model))
    titles = {title for title, column in header_index(columns_for(model)).items() if column.name in hidden}
    return writing.error_workbook(header, rows, plan.errors, titles)


def store(plan, user, file_name: str, report: bytes | None = None) -> PendingImport:
    """Keep the validated plan until the user confirms it; old pending files are removed."""
    PendingImport.objects.expired().delete()
    return PendingImport.objects.create(
        user=user,
        model=plan.model_label,
        file_name=file_name[:255],
        plan=zlib.compress(plan.to_json().encode("utf-8"), 1),
        error_report=report,
    )


def pending_for(token, user):
    """The user's own unexpired pending import, or None."""
    try:
        return PendingImport.objects.usable().get(token=token, user=user)
    except (PendingImport.DoesNotExist, ValueError, ValidationError):
        return None


def load_plan(pending: PendingImport) -> engine.Plan:
    return engine.Plan.from_json(zlib.decompress(bytes(pending.plan)).decode("utf-8"))


def apply_plan(plan, user, file_name: str, ip_address=None) -> dict:
    return engine.apply_plan(plan, user, file_name, ip_address)


def confirm(pending: PendingImport, user, ip_address=None) -> dict:
    """Apply a stored plan and forget it."""
    plan = load_plan(pending)
    result = engine.apply_plan(plan, user, pending.file_name, ip_address)
    pending.delete()
    return result


def export(queryset, user, kind: str, file_name: str, ip_address=None) -> bytes:
    """An export file of the user's visible records in `queryset`; logged as an AuditEvent."""
    data, rows = writing.export_file(queryset, user, kind)
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.EXPORT,
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        ip_address=ip_address,
        model=queryset.model._meta.model_name,
        rows=rows,
        file_name=file_name[:255],
    )
    return data


def summary(plan) -> str:
    counts = plan.counts
    return _("%(new)d new, %(updated)d updated, %(unchanged)d unchanged, %(errors)d rows with errors") % counts


def pending_ttl_minutes() -> int:
    from django.conf import settings

    return settings.IMPORT_PENDING_TTL // 60


class CommandUser:
    """The operator at the command line: not a web user, sees every column (like a superuser)."""

    pk = None
    username = ""
    # Whoever runs manage.py has the database itself: unscoped, every column (registry.access).
    is_authenticated = True
    is_active = True
    is_superuser = True

    def has_perm(self, perm):
        return True
