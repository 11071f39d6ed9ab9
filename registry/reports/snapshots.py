"""The reports page reads snapshots that a background task computes (django-tasks).

Counting a million records by district takes seconds, more for a district-scoped user, so the page
never counts in the request: it shows the newest snapshot of the tables for the user's audience —
the same districts and the same visible record types, whoever the user is — with the time it was
computed, and asks the task to recompute it when it is out of date:
- an approval, send-back or reopening happened since (a newer review step: the figures count
  approved records, and approved records change only through the review), or
- it is older than REPORTS_MAX_AGE_SECONDS (organizations, deletions and lookups are not reviewed), or
- the user asked to recount now.
A refresh is asked for once: a second request while one is pending (for REFRESH_RETRY_SECONDS, after
which a worker that died is assumed) does not queue another. With the immediate task backend
(development, tests) the snapshot is computed before the page answers; with the database backend a
worker (`manage.py db_worker`) computes it and the page says so until it is there.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import get_language
from django_tasks import task

from registry import access, review
from registry.access import Districts, ModelType, Viewer
from registry.models import Organization, ReportSnapshot, ReviewTransition

from .tables import DATED, Table, Year, report_tables

# A pending refresh older than this is asked for again (its worker is assumed dead).
REFRESH_RETRY_SECONDS = 600
# The record types whose view permission decides a report's columns.
REPORT_MODELS: list[ModelType] = sorted({*DATED, Organization}, key=lambda model: model.__name__)


@dataclass
class Audience:
    """Who sees the same report tables: the districts (None: all) and the view permissions held.

    It stands in for a user while the task counts (registry.access reads `registry_districts` and
    caches the answer on it, so it is not frozen)."""

    divisions: tuple[int, ...] | None
    zones: tuple[int, ...]
    permissions: tuple[str, ...]

    is_authenticated = True
    is_superuser = False
    pk = None

    @classmethod
    def of(cls, user: Viewer) -> Audience:
        districts = access.user_districts(user)
        permissions = tuple(
            name
            for name in (f"{model._meta.app_label}.view_{model._meta.model_name}" for model in REPORT_MODELS)
            if user.has_perm(name)
        )
        if districts is None:
            return cls(None, (), permissions)
        return cls(tuple(sorted(districts.divisions)), tuple(sorted(districts.zones)), permissions)

    @classmethod
    def of_snapshot(cls, snapshot: ReportSnapshot) -> Audience:
        scope = snapshot.audience_scope
        permissions = tuple(snapshot.audience_permissions)
        if scope is None:
            return cls(None, (), permissions)
        return cls(tuple(scope["divisions"]), tuple(scope["zones"]), permissions)

    @property
    def key(self) -> str:
        text = json.dumps([self.divisions, self.zones, self.permissions])
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def scope(self) -> dict[str, list[int]] | None:
        return None if self.divisions is None else {"divisions": list(self.divisions), "zones": list(self.zones)}

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return perm in self.permissions

    def registry_districts(self) -> Districts | None:
        if self.divisions is None:
            return None
        return Districts(frozenset(self.divisions), frozenset(self.zones))


@dataclass
class Shown:
    """What the reports page shows: the tables (None while the first count runs) and how fresh they are."""

    tables: list[Table] | None
    computed_at: Any
    refreshing: bool


def latest_review_step() -> int:
    return ReviewTransition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def is_out_of_date(snapshot: ReportSnapshot, now: Any = None) -> bool:
    if snapshot.tables is None or snapshot.computed_at is None:
        return True
    now = now or timezone.now()
    if now - snapshot.computed_at > timedelta(seconds=settings.REPORTS_MAX_AGE_SECONDS):
        return True
    return latest_review_step() > snapshot.last_review_step


def snapshot_for(user: Viewer, year: Year, include_submitted: bool) -> ReportSnapshot:
    """The snapshot row of the user's audience for this period, basis and language (made empty if new)."""
    audience = Audience.of(user)
    lookup = {
        "audience": audience.key,
        "period": year or 0,
        "include_submitted": include_submitted,
        "language": get_language(),
    }
    defaults = {"audience_scope": audience.scope, "audience_permissions": list(audience.permissions)}
    try:
        with transaction.atomic():
            snapshot, _created = ReportSnapshot.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:  # made at the same moment by another request
        snapshot = ReportSnapshot.objects.get(**lookup)
    return snapshot


def shown(user: Viewer, year: Year, include_submitted: bool, recount: bool = False) -> Shown:
    """The tables to show now, asking for a refresh first when they are out of date (or `recount`)."""
    snapshot = snapshot_for(user, year, include_submitted)
    if recount or is_out_of_date(snapshot):
        request_refresh(snapshot)
        snapshot.refresh_from_db()  # the immediate backend has computed it already
    return Shown(
        tables=tables_of(snapshot),
        computed_at=snapshot.computed_at,
        refreshing=snapshot.refresh_requested_at is not None,
    )


def request_refresh(snapshot: ReportSnapshot) -> bool:
    """Queue the task that recomputes `snapshot`, unless a refresh is pending already; True if queued."""
    now = timezone.now()
    stale_request = now - timedelta(seconds=REFRESH_RETRY_SECONDS)
    claimed = (
        ReportSnapshot.objects.filter(pk=snapshot.pk)
        .filter(Q(refresh_requested_at__isnull=True) | Q(refresh_requested_at__lt=stale_request))
        .update(refresh_requested_at=now)
    )
    if claimed:
        refresh_snapshot.enqueue(snapshot.pk)
    return bool(claimed)


@task()
def refresh_snapshot(snapshot_id: int) -> float | None:
    """Recompute one snapshot's tables as its audience sees them; returns the seconds it took."""
    snapshot = ReportSnapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        return None
    step = latest_review_step()  # before counting: an approval during the count makes it out of date
    started = time.monotonic()
    with translation.override(snapshot.language), review.counting(snapshot.include_submitted):
        tables = report_tables(Audience.of_snapshot(snapshot), snapshot.period or None)
    seconds = round(time.monotonic() - started, 3)
    ReportSnapshot.objects.filter(pk=snapshot_id).update(
        tables=[encode_table(table) for table in tables],
        computed_at=timezone.now(),
        seconds=seconds,
        last_review_step=step,
        refresh_requested_at=None,
    )
    return seconds


def refresh_all(out_of_date_only: bool = True) -> list[ReportSnapshot]:
    """Queue a refresh of every snapshot (those out of date only, by default): the periodic job."""
    now = timezone.now()
    queued = []
    for snapshot in ReportSnapshot.objects.order_by("pk"):
        if (not out_of_date_only or is_out_of_date(snapshot, now)) and request_refresh(snapshot):
            queued.append(snapshot)
    return queued


# Stored form of a table: JSON, with amounts (Decimal) kept exact as {"decimal": "12.34"}.


def encode_table(table: Table) -> dict[str, Any]:
    data = asdict(table)
    data["models"] = [model._meta.label for model in table.models]
    for name in ("rows", "total"):
        data[name] = _encoded_cells(data[name])
    return data


def decode_table(data: dict[str, Any]) -> Table:
    values = dict(data)
    values["models"] = [apps.get_model(label) for label in data["models"]]
    for name in ("rows", "total"):
        values[name] = _decoded_cells(data[name])
    return Table(**values)


def tables_of(snapshot: ReportSnapshot) -> list[Table] | None:
    return None if snapshot.tables is None else [decode_table(data) for data in snapshot.tables]


def _encoded_cells(cells: Any) -> Any:
    if isinstance(cells, list):
        return [_encoded_cells(cell) for cell in cells]
    return {"decimal": str(cells)} if isinstance(cells, Decimal) else cells


def _decoded_cells(cells: Any) -> Any:
    if isinstance(cells, list):
        return [_decoded_cells(cell) for cell in cells]
    return Decimal(cells["decimal"]) if isinstance(cells, dict) else cells
