"""Valid records of any registry model, built by following the model's own fields.

RecordFactory.shared(model) gives one record per model, reused (lookup tables: the first existing
entry), with the links that place a record in a district filled; RecordFactory.make(model) builds a
new record with every link (and two entries in each many-to-many field) filled, so a page that
follows relations row by row shows it as extra queries.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from django.db import models

from registry import roles
from registry.models import Commissioner, CommissionerAssessment, Organization, Talent
from registry.models.lookups import Lookup

# Nullable links `shared` fills so that every record reaches an organization (and hence a district)...
DISTRICT_LINKS = {"employer", "host", "problem_owner", "organization", "talent", "workstation", "leader"}
# ...except where the model allows only one of them.
SKIPPED_LINKS = {"commissioner": {"organization"}}


def record_models() -> list[type[models.Model]]:
    """The registry's record models (lookup tables included), as the roles see them."""
    return roles.record_models()


def plain_value(field: Any, n: int) -> Any:
    """A value for a required non-relation field, unique per n."""
    if field.choices:
        return next(value for value, _label in field.flatchoices if value != "")
    if isinstance(field, models.DateField):
        return datetime.date(2020, 1, 1) + datetime.timedelta(days=n)
    if isinstance(field, models.DecimalField):
        return Decimal(n)
    if isinstance(field, models.IntegerField):
        return 2000 + n
    text = f"{field.name}-{n}"
    return text if field.max_length is None or len(text) <= field.max_length else str(n)


def needs_value(field: Any) -> bool:
    """A field the database or the model will not fill by itself."""
    automatic = field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    return not automatic


class RecordFactory:
    def __init__(self) -> None:
        self.counter = itertools.count(1)
        self.made: dict[Any, Any] = {}

    def shared(self, model: Any) -> Any:
        """The one record of `model` this factory hands out, built on first use."""
        if model not in self.made:
            self.made[model] = self.build_shared(model)
        return self.made[model]

    def build_shared(self, model: Any) -> Any:
        if issubclass(model, Lookup) and model._default_manager.exists():
            return model._default_manager.first()
        values = {}
        skipped = SKIPPED_LINKS.get(model._meta.model_name or "", set())
        for field in model._meta.concrete_fields:
            if not needs_value(field):
                continue
            if field.is_relation:
                if not field.null or (field.name in DISTRICT_LINKS and field.name not in skipped):
                    values[field.name] = self.shared(field.related_model)
            elif not (field.null or field.has_default() or (field.blank and isinstance(field, models.CharField))):
                values[field.name] = plain_value(field, next(self.counter))
        return model._default_manager.create(**values)

    def make(self, model: Any, depth: int = 0) -> Any:
        """A new record of `model` with every link filled (optional links only on the record itself)."""
        n = next(self.counter)
        values = self.overrides(model, n, depth)
        for field in model._meta.concrete_fields:
            if not needs_value(field) or field.name in values:
                continue
            if field.is_relation:
                # Optional links only on the listed record itself (and never to its own model).
                if (field.null and depth > 0) or field.related_model is model:
                    continue
                values[field.name] = self.make(field.related_model, depth + 1)
            elif not (field.null or field.blank or field.has_default()):
                values[field.name] = plain_value(field, n)
        record = model._default_manager.create(**values)
        if depth == 0:
            for field in model._meta.many_to_many:
                if field.remote_field.through._meta.auto_created:
                    getattr(record, field.name).set([self.make(field.related_model, 1) for _ in range(2)])
        return record

    def overrides(self, model: type[models.Model], n: int, depth: int) -> dict[str, Any]:
        if model is Commissioner:
            # Either a person or a legal-person unit (a database constraint): alternate between them.
            if n % 2:
                unit = self.make(Organization, depth + 1)
                return {"kind": Commissioner.Kind.LEGAL_PERSON, "talent": None, "organization": unit}
            return {"talent": self.make(Talent, depth + 1), "organization": None}
        if model is CommissionerAssessment:
            # Of exactly one commissioner, team or workstation (a database constraint).
            return {"commissioner": self.make(Commissioner, depth + 1), "team": None, "workstation": None}
        return {}
