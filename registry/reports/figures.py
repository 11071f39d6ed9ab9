"""Building blocks of the dashboard: a figure that links to its records, and a breakdown of figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar
from urllib.parse import urlencode

from django.db.models import Model, QuerySet
from django.urls import NoReverseMatch, reverse

from registry import review
from registry.access import ModelType, Viewer, scope_queryset

TEN_THOUSAND = Decimal(10_000)
CENT = Decimal("0.01")
M = TypeVar("M", bound=Model)


@dataclass
class Figure:
    """One number on the dashboard, the admin list holding exactly those records, and amounts if any."""

    label: str
    count: int
    url: str
    amounts: tuple[Decimal, ...] = ()


@dataclass
class Breakdown:
    """A headline count with its parts (by kind, by level, by year, ...)."""

    title: str
    total: Figure
    parts: list[Figure] = field(default_factory=list)
    amount_labels: tuple[str, ...] = ()
    chart: str = ""

    @property
    def rows(self) -> list[tuple[Figure, int]]:
        """(figure, bar length 0-100) per part: the bars drawn in the table rows, scaled to the largest."""
        largest = max((part.count for part in self.parts), default=0)
        return [(part, round(part.count * 100 / largest) if largest else 0) for part in self.parts]

    @property
    def total_amounts(self) -> list[tuple[str, Decimal]]:
        """(label, amount) pairs of the headline figure."""
        return list(zip(self.amount_labels, self.total.amounts))


def changelist_url(model: ModelType, *, include_submitted: bool | None = None, **filters: object) -> str:
    """The admin list of `model` filtered with the changelist's own query parameters, and by the
    review states the figures count (registry.review.counted), so the list holds exactly the
    records counted.

    Falls back to the conventional path when the model's admin is not registered (yet), so the
    dashboard does not depend on which admin screens are installed.
    """
    opts = model._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:
        url = f"{reverse('admin:index')}{opts.app_label}/{opts.model_name}/"
    params: dict[str, object] = {**review.counted_filter(model, include_submitted)}
    params.update({name: "" if value is None else value for name, value in filters.items()})
    return f"{url}?{urlencode(params)}" if params else url


def wan_yuan(amount: Decimal | int | None) -> Decimal:
    """Yuan as 万元 with two decimals (None counts as zero)."""
    return (Decimal(amount or 0) / TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP)


def can_view(user: Viewer, model: ModelType) -> bool:
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def can_export(user: Viewer, model: ModelType) -> bool:
    """Whether the user may take `model`'s figures away in a file (the export permission)."""
    return user.has_perm(f"{model._meta.app_label}.export_{model._meta.model_name}")


def scoped(user: Viewer, model: type[M], include_submitted: bool | None = None) -> QuerySet[M]:
    """The records of `model` the user may see (district scope applied) that count in figures:
    approved ones, and submitted ones inside review.counting(True) (see registry.review.counted)."""
    return review.counted(scope_queryset(user, model._default_manager.all()), include_submitted)
