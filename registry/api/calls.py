"""Every API call of a known caller in the audit log: who (key or staff member), endpoint, rows.

One AuditEvent row per call, written after the answer is built (bench/api.py measures what it costs).
Free-text search terms are not written down (they may be a person's name); other parameters are.
Calls refused before the caller is known (no key, unknown key) are not events: anyone could fill
the log with them; they are logged as warnings instead.
"""

from __future__ import annotations

import logging

from django.db import models

from registry import audit
from registry.models import AuditEvent

from .keys import ApiClient

logger = logging.getLogger("registry.api")
DETAIL_LENGTH = 500
UNRECORDED_VALUES = ("search",)


def call_detail(request, status_code: int) -> str:
    params = " ".join(
        f"{name}=…" if name in UNRECORDED_VALUES else f"{name}={value}"
        for name, value in sorted(request.query_params.items())
        if name != "cursor"
    )
    cursor = " (next page)" if "cursor" in request.query_params else ""
    return f"{request.method} {request.path} {params}{cursor} → {status_code}".replace("  ", " ")[:DETAIL_LENGTH]


def record_call(request, status_code: int, model: type[models.Model] | str = "", rows: int | None = None) -> None:
    """One audit event for the call; `model` is the resource's model, or the kind for other endpoints."""
    user = request.user
    if not user.is_authenticated:
        logger.warning("API call refused without a known caller: %s %s → %s", request.method, request.path, status_code)
        return
    detail = call_detail(request, status_code)
    if isinstance(user, ApiClient):
        audit.record(
            AuditEvent.Kind.API,
            request,
            username=user.get_username(),
            model=model,
            rows=rows,
            detail=f"{user.key.name}: {detail}",
        )
    else:
        audit.record(AuditEvent.Kind.API, request, user, model=model, rows=rows, detail=detail)
