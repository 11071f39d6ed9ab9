"""/healthz for load balancers and monitors: 200 "ok" when the service can work, 503 and a short reason if not.

The service can work when its database answers and no migration of the code is pending. The answer
never holds data from the registry. It is cheap enough to be asked every few seconds: one `SELECT 1`
per request, and the migration check (two small queries) at most every MIGRATIONS_OK_SECONDS once it
has passed; a failing check is repeated on every request, so the service is healthy as soon as
`migrate` has run.
"""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from registry import schema

logger = logging.getLogger(__name__)

MIGRATIONS_OK_SECONDS = 30.0
DATABASE_DOWN = "database unavailable"
MIGRATIONS_PENDING = "migrations pending"

_migrations_ok_until = 0.0  # time.monotonic() until which the last passed migration check holds


def problem() -> str | None:
    """What keeps the service from working, in a few words, or None."""
    global _migrations_ok_until
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if time.monotonic() < _migrations_ok_until:
            return None
        state = schema.compare(schema.applied_migrations(connection))
    except DatabaseError as error:
        # One line, no traceback: a load balancer asks every few seconds during an outage.
        logger.warning("healthz: the database does not answer: %s", str(error).strip())
        return DATABASE_DOWN
    if state.pending:
        return f"{MIGRATIONS_PENDING}: {len(state.pending)}"
    _migrations_ok_until = time.monotonic() + MIGRATIONS_OK_SECONDS
    return None


def forget_migration_check() -> None:
    """Make the next request check the migrations again (tests; a process that has just migrated)."""
    global _migrations_ok_until
    _migrations_ok_until = 0.0


@never_cache
def healthz(request):
    reason = problem()
    return HttpResponse(reason or "ok", status=503 if reason else 200, content_type="text/plain; charset=utf-8")
