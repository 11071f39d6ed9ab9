"""What every registry record shares: timestamps, history, citations and natural keys."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.link_history import RegistryHistoricalRecords


class NaturalKeyManager(models.Manager[Any]):
    """Finds a record by the values of the model's NATURAL_KEY lookups (fixtures, imports)."""

    def get_by_natural_key(self, *values):
        lookups = {}
        for path, value in zip(self.model.NATURAL_KEY, values):
            if value is None and "__" in path:
                # An empty link at the end of the path (talent__employer__name -> talent__employer).
                lookups[path.rsplit("__", 1)[0] + "__isnull"] = True
            else:
                lookups[path] = value
        return self.get(**lookups)


def resolve_path(obj, path: str):
    """Follow a Django lookup path (employer__name) through attributes; None when a link is empty."""
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


class RegistryModel(models.Model):
    """Abstract base: created/updated times, a full history, and a natural key.

    The history keeps every many-to-many field too (registry.link_history).

    Subclasses set NATURAL_KEY to the lookup paths that identify a record for people
    (a name, a credit code, a talent's name plus employer); fixtures and spreadsheet
    imports match rows on it, never on database ids. A model may also name in IDENTIFIED_BY a
    unique field that says who a record is when it is filled (a talent's identity number, a
    contract's registration number): an import row holding it is the record with that value (or a
    new one), whatever its natural key; only rows without it are matched by natural key.
    """

    NATURAL_KEY: tuple[str, ...] = ("name",)
    IDENTIFIED_BY: str | None = None

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = NaturalKeyManager()
    # History rows are read per record, never filtered by review state: no index for it there.
    history = RegistryHistoricalRecords(inherit=True, no_db_index=["review_status"])

    class Meta:
        abstract = True

    def natural_key(self):
        return tuple(resolve_path(self, path) for path in self.NATURAL_KEY)


class CitedModel(RegistryModel):
    """A record whose facts come from a source: it cites one or more excerpts."""

    notes = models.TextField(_("notes"), blank=True)
    citations = models.ManyToManyField(
        "registry.Citation",
        verbose_name=_("citations"),
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True
