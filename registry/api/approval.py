"""Which review states a caller reads: approved records (已通过) only, unless it asks for more and may.

What counts is registry/review.py's rule (`review.counted`: approved). A key with “may read records not
yet approved”, and staff (who see every state in the admin), may ask for other states with the
`review_status` parameter (codes or Chinese labels, comma-separated, or `all`); any other caller asking
for them is refused (403). Parts that are reviewed records themselves (an organization's
qualifications, a commissioner's assessments) are shown in the same states as the list.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Field, QuerySet
from django.utils.translation import gettext as _

from registry import review
from registry.importing.columns import Column, in_chinese
from registry.models.review import Reviewed, ReviewStatus

from .errors import refused
from .filters import invalid, single
from .keys import ApiClient

PARAMETER = "review_status"
ALL = "all"
APPROVED_ONLY: tuple[str, ...] = (ReviewStatus.APPROVED,)
EVERY_STATE: tuple[str, ...] = tuple(ReviewStatus.values)


def may_read_pending(user: Any) -> bool:
    """Whether the caller may read records that are not approved (yet)."""
    if isinstance(user, ApiClient):
        return bool(user.key.include_pending)
    return True  # staff read in the API what they see in the admin


def requested_states(request: Any) -> tuple[str, ...]:
    """The review states the caller asked for (approved by default); 403 when it may not read them."""
    value = single(request, PARAMETER)
    if value is None:
        return APPROVED_ONLY
    if value.lower() == ALL:
        states = EVERY_STATE
    else:
        lookup = Column(field=cast(Field, Reviewed._meta.get_field(PARAMETER))).choice_lookup
        found = [lookup.get(part.strip().lower()) for part in value.split(",")]
        if None in found:
            labels = "、".join(f"{code}（{in_chinese(label)}）" for code, label in ReviewStatus.choices)
            raise invalid(PARAMETER, value, _("one of %(codes)s") % {"codes": f"{labels}、{ALL}"})
        states = tuple(dict.fromkeys(str(state) for state in found))
    if set(states) != set(APPROVED_ONLY) and not may_read_pending(request.user):
        raise refused(_("This API key reads approved records only."))
    return states


def visible(queryset: QuerySet[Any], states: tuple[str, ...]) -> QuerySet[Any]:
    """The records of `queryset` in `states` (querysets of models without review: all of them)."""
    if not review.is_reviewed(queryset.model) or set(states) == set(EVERY_STATE):
        return queryset
    if set(states) == set(APPROVED_ONLY):
        return review.counted(queryset, include_submitted=False)
    return queryset.filter(review_status__in=states)
