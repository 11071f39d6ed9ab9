"""Foreign-key and many-to-many cells matched by natural key, with a few set-based queries.

Organizations are found by name, alias or credit code; lookup tables by name or code; talents by
identity number or "name / employer"; any other model by its NATURAL_KEY parts joined with " / ".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from registry import access
from registry.models import Organization, OrganizationAlias, Talent
from registry.models.lookups import Lookup
from registry.validators import id_number_form, id_number_spellings

from . import values

PART_SEPARATOR = " / "
MANY_SEPARATORS = "；;、"
# Commas separate names too, but only where the text between the strong separators is not itself a
# name the registry knows ("内蒙古某公司,呼和浩特分公司" may be one organization).
SOFT_SEPARATORS = "，,"
MANY_JOIN = "；"
STRONG_SPLIT = re.compile("[" + re.escape(MANY_SEPARATORS) + "\n]")
CHUNK = 2000
T = TypeVar("T")


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def display_paths(model: type[models.Model]) -> tuple[str, ...]:
    """The lookup paths whose values, joined by " / ", name a record of `model` in a cell."""
    if issubclass(model, Lookup) or model is Organization:
        return ("name",)
    return tuple(getattr(model, "NATURAL_KEY", ("pk",)))


def join_parts(parts: Iterable[object]) -> str:
    return PART_SEPARATOR.join("" if part is None else str(part) for part in parts).rstrip(" /")


class Resolver:
    """Turns cell texts into primary keys of `model`, loading all candidates at once."""

    def __init__(self, model: type[models.Model], personal_keys: bool = True) -> None:
        self.model = model
        self.personal_keys = personal_keys  # whether an identity number may name a talent
        self.paths = display_paths(model)
        self.found: dict[str, int] = {}
        self.ambiguous: dict[str, set[int]] = {}  # a text naming several records -> their pks
        self._names: dict[int, str] | None = None

    def load(self, texts: set[str]) -> None:
        """Look up every text in `texts`; afterwards `pk_for` answers without queries."""
        texts = {text for text in texts if text and text not in self.found}
        self._names = None
        if not texts:
            return
        for chunk in chunks(texts):
            for text, pk in self.candidates(chunk):
                if self.found.get(text, pk) != pk:
                    self.ambiguous.setdefault(text, {self.found[text]}).add(pk)
                self.found[text] = pk

    def names(self) -> dict[int, str]:
        """pk -> the text that named it in the file."""
        if self._names is None:
            self._names = {pk: text for text, pk in self.found.items()}
        return self._names

    def pk_for(self, text: str) -> int | None:
        """The pk, None when unknown; raises LookupError when the name fits several records."""
        if text in self.ambiguous:
            raise LookupError(text)
        return self.found.get(text)

    def identities(self, text: str) -> list[str] | None:
        """The IDENTIFIED_BY values (a talent's identity number, masked unless personal keys are
        allowed) of the records an ambiguous `text` names, so the message can say who they are; None
        for a model without one."""
        identified_by = getattr(self.model, "IDENTIFIED_BY", None)
        if identified_by is None:
            return None
        pks = sorted(self.ambiguous.get(text, ()))
        stored = dict(self.model._default_manager.filter(pk__in=pks).values_list("pk", identified_by))
        hidden = identified_by in access.personal_fields(self.model) and not self.personal_keys
        return shown_identities([stored.get(pk) for pk in pks], hidden)

    def candidates(self, texts: Sequence[str]) -> Iterator[tuple[str, int]]:
        model: Any = self.model
        if model is Organization:
            yield from model.objects.filter(name__in_array=texts).values_list("name", "pk")
            yield from OrganizationAlias.objects.filter(name__in_array=texts).values_list("name", "organization_id")
            codes = {values.half_width(text).upper(): text for text in texts}
            for code, pk in model.objects.filter(credit_code__in_array=codes).values_list("credit_code", "pk"):
                yield codes[code], pk
            return
        if issubclass(model, Lookup):
            yield from model.objects.filter(name__in_array=texts).values_list("name", "pk")
            if any(f.name == "code" for f in model._meta.fields):
                yield from model.objects.filter(code__in_array=texts).values_list("code", "pk")
            return
        if model is Talent and self.personal_keys:
            # Each text as stored numbers may spell it (1501...123x, 15 digits): one person, any spelling.
            spelled: dict[str, list[str]] = {}
            for text in texts:
                for spelling in id_number_spellings(id_number_form(values.half_width(text))):
                    spelled.setdefault(spelling, []).append(text)
            for stored, pk in model.objects.filter(id_number__in_array=spelled).values_list("id_number", "pk"):
                for text in spelled[stored]:
                    yield text, pk
        yield from self.by_parts(texts)

    def by_parts(self, texts: Sequence[str]) -> Iterator[tuple[str, int]]:
        split = {text: tuple(part.strip() for part in text.split("/")) for text in texts}
        first = {parts[0] for parts in split.values()}
        wanted: dict[tuple[str, ...], list[str]] = {}
        for text, parts in split.items():
            wanted.setdefault(parts + ("",) * (len(self.paths) - len(parts)), []).append(text)
        found = self.model._default_manager.filter(**{self.paths[0] + "__in_array": first})
        rows = found.values_list("pk", *self.paths)
        for pk, *parts in rows:
            key = tuple("" if part is None else str(part) for part in parts)
            for text in wanted.get(key, ()):
                yield text, pk


def shown_identities(identities: Iterable[object], hidden: bool) -> list[str]:
    """Identity values of candidates as an error message names them: masked when `hidden`."""
    return [
        _("not filled in") if value in (None, "") else access.mask(value) if hidden else str(value)
        for value in identities
    ]


def display_map(model: type[models.Model], pks: Iterable[int]) -> dict[int, str]:
    """pk -> cell text for the given records of `model` (used for exports and previews)."""
    paths = display_paths(model)
    result = {}
    for chunk in chunks(set(pks)):
        for pk, *parts in model._default_manager.filter(pk__in_array=chunk).values_list("pk", *paths):
            result[pk] = join_parts(parts)
    return result


def split_many(text: str, known: Callable[[str], bool] = lambda part: False) -> list[str]:
    """The separate names of a many-to-many cell: separated by ；, ;, 、 or line breaks, and a part that
    is not `known` (a name the registry has) also at ， and ,."""
    names = []
    for part in strong_parts(text):
        names.extend([part] if known(part) else split_soft(part))
    return names


def candidate_names(text: str) -> set[str]:
    """Every name a many-to-many cell may hold (its parts, whole and split at commas): what is looked
    up before split_many decides where the commas separate."""
    parts = strong_parts(text)
    return set(parts).union(*(split_soft(part) for part in parts))


def strong_parts(text: str) -> list[str]:
    """The parts of a many-to-many cell between the strong separators and line breaks, stripped."""
    return [part for part in map(str.strip, STRONG_SPLIT.split(text)) if part]


def split_soft(text: str) -> list[str]:
    for separator in SOFT_SEPARATORS[1:]:
        text = text.replace(separator, SOFT_SEPARATORS[0])
    return [piece.strip() for piece in text.split(SOFT_SEPARATORS[0]) if piece.strip()]
