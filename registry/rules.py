"""Registry rules that warn rather than refuse: the record is saved, staff are told.

The academician rule: an academician may be active (not yet left) in at most one academician
expert workstation, or three once retired. Data entered from the articles may break it, so it is
shown as a warning and a filter, never as a validation error.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from registry.models import Talent, Workstation, WorkstationMember

ACADEMICIAN_WORKSTATION_LIMIT = 1
RETIRED_ACADEMICIAN_WORKSTATION_LIMIT = 3


def active_academician_workstations():
    """Per talent: how many academician expert workstations list them as a member not yet left."""
    rows = (
        WorkstationMember.objects.filter(
            talent=OuterRef("pk"),
            left_on__isnull=True,
            workstation__kind=Workstation.Kind.ACADEMICIAN_EXPERT,
        )
        .order_by()
        .values("talent")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def academicians_over_limit(queryset: QuerySet[Talent]) -> QuerySet[Talent]:
    """The academicians of `queryset` in more academician workstations than the rule allows."""
    return (
        queryset.exclude(academy="")
        .annotate(academician_workstations=active_academician_workstations())
        .filter(
            Q(is_retired=False, academician_workstations__gt=ACADEMICIAN_WORKSTATION_LIMIT)
            | Q(is_retired=True, academician_workstations__gt=RETIRED_ACADEMICIAN_WORKSTATION_LIMIT)
        )
    )


def academician_rule_warning(talent: Talent) -> str | None:
    """The warning to show for `talent`, or None when the academician rule holds."""
    over = academicians_over_limit(Talent.objects.filter(pk=talent.pk)).first()
    if over is None:
        return None
    limit = RETIRED_ACADEMICIAN_WORKSTATION_LIMIT if over.is_retired else ACADEMICIAN_WORKSTATION_LIMIT
    count: int = getattr(over, "academician_workstations")  # noqa: B009 - a queryset annotation mypy cannot see
    return _(
        "Academician %(name)s is active in %(count)d academician expert workstations; "
        "the rules allow at most %(limit)d."
    ) % {"name": over.name, "count": count, "limit": limit}
