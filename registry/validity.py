"""A qualification's validity on a day: 有效, 即将到期, 已过期 or 已撤销 — computed, never stored.

The state follows from the record's dates and the day (the bureau's calendar, Asia/Shanghai):
revoked on or before the day → revoked; otherwise valid until a day before it → expired; valid until
within `EXPIRING_DAYS` → expiring; otherwise (also when no end date is known) valid. `conditions(day)`
is the one statement of that rule, as SQL conditions; lists, filters, counts and the record's own page
all use it (`expression(day)` annotates, `in_force(day)` filters what still counts as held).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EXPIRING_DAYS = 90
# The list filter's and the indicator links' query parameter (?validity=in_force).
PARAMETER = "validity"
IN_FORCE = "in_force"


class State(models.TextChoices):
    VALID = "valid", _("valid")
    EXPIRING = "expiring", _("expiring within 90 days")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")


def today() -> datetime.date:
    """The bureau's date now (TIME_ZONE, Asia/Shanghai)."""
    return timezone.localdate()


def conditions(day: datetime.date, prefix: str = "") -> dict[State, Q]:
    """For each state, the condition a qualification (reached through `prefix`) meets on `day`; exclusive."""
    revoked = Q(**{f"{prefix}revoked_on__lte": day})
    not_revoked = ~revoked | Q(**{f"{prefix}revoked_on__isnull": True})
    until = f"{prefix}valid_until"
    soon = day + datetime.timedelta(days=EXPIRING_DAYS)
    return {
        State.REVOKED: revoked,
        State.EXPIRED: not_revoked & Q(**{f"{until}__lt": day}),
        State.EXPIRING: not_revoked & Q(**{f"{until}__gte": day, f"{until}__lte": soon}),
        State.VALID: not_revoked & (Q(**{f"{until}__isnull": True}) | Q(**{f"{until}__gt": soon})),
    }


def expression(day: datetime.date) -> Case:
    """The state as an SQL value, for annotate(validity=expression(day)) and ordering."""
    whens = [When(condition, then=Value(state.value)) for state, condition in conditions(day).items()]
    return Case(*whens, default=Value(State.VALID.value), output_field=models.CharField())


def in_force(day: datetime.date, prefix: str = "") -> Q:
    """Qualifications still held on `day`: valid or expiring (what reports count)."""
    states = conditions(day, prefix)
    return states[State.VALID] | states[State.EXPIRING]


def condition(choice: str, day: datetime.date) -> Q | None:
    """The condition a filter choice (a state, or `in_force`) stands for; None for an unknown choice."""
    if choice == IN_FORCE:
        return in_force(day)
    return conditions(day).get(State(choice)) if choice in State.values else None


def label(state: str | None) -> str:
    """The Chinese (or English) label of a state value."""
    return str(State(state).label) if state in State.values else ""
