"""Who may see what: personal data and district scope.

The admin, the spreadsheet import/export and the reports ask these functions, so the rules live
in one place.

District scope: a user with a StaffScope naming divisions (旗县区) and/or development zones sees,
edits, imports and exports only the records of those districts. How a record reaches a district is
declared once, in DISTRICT_PATHS. Users without any StaffScope (and superusers) see everything; a
StaffScope naming no district (all removed, or deleted) sees nothing: the scope fails closed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext

PERSONAL_DATA_PERMISSION = "registry.view_personal_data"

ModelType = type[models.Model]
QuerySetT = TypeVar("QuerySetT", bound="models.QuerySet[Any]")


class Viewer(Protocol):
    """Who is asking: a signed-in user, an anonymous visitor or the command-line operator."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_superuser(self) -> bool: ...

    @property
    def pk(self) -> Any: ...

    def has_perm(self, perm: str, obj: Any = None) -> bool: ...


def can_view_personal_data(user: Viewer) -> bool:
    return user.has_perm(PERSONAL_DATA_PERMISSION)


def personal_fields(model: ModelType | models.Model) -> tuple[str, ...]:
    """Field names of `model` that hold personal data (identity number, phone, e-mail, birth date)."""
    return tuple(getattr(model, "PERSONAL_FIELDS", ()))


def hidden_fields(user: Viewer, model: ModelType | models.Model) -> tuple[str, ...]:
    """Personal fields `user` must not see on `model`: masked on screens, blank in files."""
    return () if can_view_personal_data(user) else personal_fields(model)


def hidden_value_error(labels: Iterable[object]) -> str:
    """Why a change is refused when a stored personal value the user does not see fails a check
    (a passport number checked as an identity number after a change of 证件类型): the fields are
    named, the values never."""
    return gettext(
        "The stored %(fields)s does not fit this change (it is not shown to you); "
        "staff with the 个人信息查看 role can correct it."
    ) % {"fields": "、".join(map(str, labels))}


def mask(value: object) -> str:
    """A masked form of a personal value: 1501**********1238, 139****0000, z***@example.org."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.date):
        return "****-**-**"
    text = str(value)
    if "@" in text:
        local, _at, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    start = 4 if len(text) >= 15 else 3 if len(text) >= 7 else 0
    end = 4 if len(text) >= 8 else 0
    return text[:start] + "*" * (len(text) - start - end) + text[len(text) - end :]


# ---------------------------------------------------------------------------------------------
# District scope


def _organization(prefix: str) -> tuple[str, str]:
    """The two district paths of an organization reached through `prefix`."""
    return (f"{prefix}division", f"{prefix}zone")


# Model name -> lookup paths ending at a Division or a DevelopmentZone. A record belongs to a
# district when ANY of its paths reaches it (a contract belongs to its buyers' and its sellers'
# districts). Records whose paths are all empty (a talent without employer) belong to no district.
DISTRICT_PATHS: dict[str, tuple[str, ...]] = {
    "organization": _organization(""),
    "organizationalias": _organization("organization__"),
    "qualification": _organization("organization__"),
    "annualreport": _organization("qualification__organization__"),
    "talent": _organization("employer__"),
    "workstation": _organization("host__"),
    "workstationmember": _organization("workstation__host__"),
    "commissionerteam": (*_organization("leader__employer__"), "divisions"),
    "commissioner": (*_organization("talent__employer__"), *_organization("organization__")),
    "commissionerassessment": (
        *_organization("commissioner__talent__employer__"),
        *_organization("commissioner__organization__"),
        *_organization("team__leader__employer__"),
        "team__divisions",
        *_organization("workstation__host__"),
    ),
    "servicerecord": (
        *_organization("commissioner__talent__employer__"),
        *_organization("commissioner__organization__"),
        *_organization("workstation__host__"),
        "team__divisions",
    ),
    "transferagency": _organization("organization__"),
    "trainingbase": _organization("organization__"),
    "technologybroker": _organization("talent__employer__"),
    "techcontract": (*_organization("buyers__"), *_organization("sellers__")),
    "subsidy": (*_organization("talent__employer__"), *_organization("organization__")),
    "platform": _organization("host__"),
    "platformmember": _organization("platform__host__"),
    "platformexpert": _organization("platform__host__"),
    "project": _organization("problem_owner__"),
    "projectpartner": _organization("project__problem_owner__"),
    "projecttarget": _organization("project__problem_owner__"),
}

# Models that keep their districts on the record (registry/districts.py): the scope reads these
# paths, which reach the same districts as DISTRICT_PATHS without joining organizations.
STORED_PATHS: dict[str, tuple[str, ...]] = {
    "talent": ("scope_division", "scope_zone"),
    "technologybroker": ("talent__scope_division", "talent__scope_zone"),
    "commissioner": ("talent__scope_division", "talent__scope_zone", *_organization("organization__")),
    "commissionerassessment": (
        "commissioner__talent__scope_division",
        "commissioner__talent__scope_zone",
        *_organization("commissioner__organization__"),
        "team__leader__scope_division",
        "team__leader__scope_zone",
        "team__divisions",
        *_organization("workstation__host__"),
    ),
    "subsidy": ("talent__scope_division", "talent__scope_zone", *_organization("organization__")),
    "techcontract": ("districts__division", "districts__zone"),
}

# City-wide records every district uses: lookup tables, sources, policies and reported figures.
# Scoped users may read them but not change them (see may_edit).
SHARED_MODELS = frozenset(
    {
        "division",
        "developmentzone",
        "industrycluster",
        "talenttier",
        "qualificationkind",
        "contracttype",
        "source",
        "citation",
        "policy",
        "indicator",
        "assessmentscheme",
        "assessmentschemepart",
    }
)


@dataclass(frozen=True)
class Districts:
    """The districts of a scoped user, as primary keys."""

    divisions: frozenset[int]
    zones: frozenset[int]

    def ids_for(self, model: ModelType) -> frozenset[int]:
        return self.divisions if model._meta.model_name == "division" else self.zones

    def contains(self, obj: models.Model | None) -> bool:
        return obj is not None and obj.pk in self.ids_for(type(obj))


NO_DISTRICTS = Districts(frozenset(), frozenset())


def user_districts(user: Viewer) -> Districts | None:
    """The user's districts, or None when the user is unscoped (cached on the user object).

    An API key's client (registry.api.keys.ApiClient) is not a user: it states its own districts."""
    if not getattr(user, "is_authenticated", False):
        return NO_DISTRICTS
    if user.is_superuser:
        return None
    if not hasattr(user, "_registry_districts"):
        own = getattr(user, "registry_districts", None)
        setattr(user, "_registry_districts", own() if own else _load_districts(user))  # noqa: B010 - a cache on a foreign object
    districts: Districts | None = getattr(user, "_registry_districts")  # noqa: B009 - set just above
    return districts


def _load_districts(user: Viewer) -> Districts | None:
    from registry.models import StaffScope

    # One query on every request of a scoped user: (division, zone) pairs, None where it has none.
    pairs = list(StaffScope.objects.filter(user_id=user.pk).order_by().values_list("divisions", "zones"))
    if not pairs:
        return None  # no scope: city-wide
    return Districts(
        frozenset(division for division, _zone in pairs if division is not None),
        frozenset(zone for _division, zone in pairs if zone is not None),
    )


def is_scoped(user: Viewer) -> bool:
    return user_districts(user) is not None


def district_names(user: Viewer) -> str:
    """The names of the user's districts, for messages ("" when unscoped, 无 for an empty scope)."""
    from registry.models import DevelopmentZone, Division

    districts = user_districts(user)
    if districts is None:
        return ""
    names = [*Division.objects.filter(pk__in=districts.divisions).values_list("name", flat=True)]
    names += DevelopmentZone.objects.filter(pk__in=districts.zones).values_list("name", flat=True)
    return "、".join(names) or gettext("none")


def may_edit(user: Viewer, model: ModelType) -> bool:
    """Whether the user's scope allows changing records of `model` at all (shared lists are
    read-only for scoped users; models without a district mapping are closed to them)."""
    return not is_scoped(user) or model._meta.model_name in DISTRICT_PATHS


def path_target(model: ModelType, path: str) -> ModelType:
    """The model a lookup path ends at (Division or DevelopmentZone for district paths)."""
    for part in path.split("__"):
        model = _related_model(model, part)
    return model


def _related_model(model: ModelType, name: str) -> ModelType:
    """The model the relation `name` of `model` leads to."""
    related = model._meta.get_field(name).related_model
    if not isinstance(related, type):
        raise LookupError(f"{model._meta.label}.{name} is not a relation")
    return related


def scope_queryset(user: Viewer, queryset: QuerySetT) -> QuerySetT:
    """Only the records of the user's districts; everything for unscoped users."""
    districts = user_districts(user)
    if districts is None or queryset.model._meta.model_name in SHARED_MODELS:
        return queryset
    return records_in(queryset, districts)


def records_in(queryset: QuerySetT, districts: Districts) -> QuerySetT:
    """The records of `queryset` that belong to one of `districts` (through DISTRICT_PATHS, or the
    districts the record keeps: STORED_PATHS)."""
    model = queryset.model
    name = model._meta.model_name or ""
    paths = STORED_PATHS.get(name) or DISTRICT_PATHS.get(name, ())
    reached = [(path, districts.ids_for(path_target(model, path))) for path in paths]
    reached = [(path, ids) for path, ids in reached if ids]
    if not reached:
        return queryset.none()
    if all(is_single_valued(model, path) for path, _ids in reached):
        # Foreign keys only: each record matches at most once, a plain WHERE (an index range).
        return queryset.filter(any_of(reached))
    first = {path.split("__", 1)[0] for path, _ids in reached}
    relation = model._meta.get_field(first.pop()) if len(first) == 1 else None
    if relation is not None and relation.one_to_many and isinstance(relation, models.ForeignObjectRel):
        # All paths through one reverse foreign key (a contract's stored districts): select the
        # owners' keys from that table's indexes alone.
        inner = [(path.split("__", 1)[1], ids) for path, ids in reached]
        owners = relation.related_model._base_manager.filter(any_of(inner)).values(relation.field.attname)
        return queryset.filter(pk__in=owners)
    # A sub-query keeps rows unique when a path crosses a many-to-many relation (buyers, divisions).
    return queryset.filter(pk__in=model._default_manager.filter(any_of(reached)).values("pk"))


def any_of(reached: list[tuple[str, frozenset[int]]]) -> Q:
    condition = Q()
    for path, ids in reached:
        condition |= Q(**{f"{path}__in": ids})
    return condition


def is_single_valued(model: ModelType, path: str) -> bool:
    """Whether every step of `path` is a foreign key or one-to-one field of its model."""
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            return False
        model = _related_model(model, part)
    return True


def in_scope(user: Viewer, instance: models.Model, values: dict[str, Any] | None = None) -> bool:
    """Whether `instance` lies in the user's districts (always true for unscoped users).

    Works on unsaved instances (an import row, a form being saved): `values` may give the
    first-level related values not yet on the instance (a form's many-to-many choices)."""
    name = instance._meta.model_name or ""
    if name in SHARED_MODELS:
        return True
    return reaches(user, instance, DISTRICT_PATHS.get(name, ()), values)


def reaches(user: Viewer, instance: models.Model, paths: Iterable[str], values: dict[str, Any] | None = None) -> bool:
    """Whether one of `paths` leads from `instance` to one of the user's districts (always true for
    unscoped users): in_scope with the model's paths, or a narrower rule (a contract's sellers)."""
    districts = user_districts(user)
    if districts is None:
        return True
    for path in paths:
        first, *rest = path.split("__")
        reached: list[models.Model]
        if values is not None and first in values:
            reached = _as_list(values[first])
        else:
            reached = _related(instance, first)
        for part in rest:
            reached = [item for obj in reached for item in _related(obj, part)]
        if any(districts.contains(obj) for obj in reached):
            return True
    return False


def _related(obj: models.Model, name: str) -> list[models.Model]:
    """The objects `obj.name` leads to: one, none or many (many-to-many before saving: none)."""
    field = obj._meta.get_field(name)
    if field.many_to_many or field.one_to_many:
        return [] if obj.pk is None else list(getattr(obj, name).all())
    # A missing required relation raises RelatedObjectDoesNotExist, an AttributeError.
    return _as_list(getattr(obj, name, None))


def _as_list(value: Any) -> list[models.Model]:
    if value is None:
        return []
    if isinstance(value, (models.QuerySet, list, tuple, set)):
        return list(value)
    return [value]
