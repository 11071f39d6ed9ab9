"""Records as JSON, with the spreadsheet's columns, names and Chinese labels.

Each model's fields are its spreadsheet columns (columns_for) plus id, created_at and updated_at.
A related record is {"id", "name"}, the name being the text its spreadsheet cell holds ("张三 /
内蒙古大学"); a choice is {"code", "label"} with the Chinese label; parts (a workstation's members)
are nested lists. Personal fields are masked as on screens unless the caller may see them
(registry.access.hidden_fields decides). Nothing else of a related record is shown: its own data
is read from its own endpoint, where the caller's scope applies.
"""

from __future__ import annotations

import datetime
from functools import cache

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry import access, review
from registry.importing.columns import columns_for, in_chinese
from registry.importing.relations import display_paths, join_parts
from registry.models.base import resolve_path

from .approval import APPROVED_ONLY, visible
from .resources import Resource

BOOKKEEPING = ("id", "created_at", "updated_at")
MASKED_NOTE = _(" (personal data: masked unless the caller may see it)")


class RelationSchema(serializers.Serializer):
    """The shape of a related record in the schema."""

    id = serializers.IntegerField()
    name = serializers.CharField(help_text=_("The name as the spreadsheets write it."))


class ChoiceSchema(serializers.Serializer):
    """The shape of a choice in the schema."""

    code = serializers.CharField(help_text=_("The stored code."))
    label = serializers.CharField(help_text=_("The Chinese label, as the spreadsheets write it."))


def relation_name(obj) -> str:
    """The spreadsheet text naming `obj` (its display paths joined by " / ")."""
    return join_parts(resolve_path(obj, path) for path in display_paths(type(obj)))


@extend_schema_field(RelationSchema)
class RelationField(serializers.Field):
    """A foreign key as {"id": 12, "name": "内蒙古大学"}."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return {"id": value.pk, "name": relation_name(value)}


@extend_schema_field(RelationSchema(many=True))
class RelationListField(serializers.Field):
    """A many-to-many link as a list of {"id", "name"} (prefetched, in the name order)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return sorted(({"id": obj.pk, "name": relation_name(obj)} for obj in value.all()), key=lambda r: r["id"])


@extend_schema_field(ChoiceSchema)
class ChoiceLabelField(serializers.Field):
    """A choice as {"code": "male", "label": "男"}; null when not filled in."""

    def __init__(self, labels: dict, **kwargs):
        self.labels = labels
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        if value in (None, "") and value not in self.labels:
            return None
        return {"code": value, "label": self.labels.get(value, value)}


@extend_schema_field(OpenApiTypes.STR)
class PersonalField(serializers.Field):
    """Identity number, phone, e-mail or birth date: in full for callers allowed personal data,
    masked otherwise (1501**********1238, 139****0000, z***@example.org, ****-**-**)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def get_attribute(self, instance):
        # Returned even when empty, so that masking sees every value.
        return getattr(instance, self.source)

    def to_representation(self, value):
        if value in (None, ""):
            return None if value is None else ""
        if self.source in hidden_for(self.context, self.parent.Meta.model):
            return access.mask(value)
        return value.isoformat() if isinstance(value, datetime.date) else value


def hidden_for(context: dict, model) -> frozenset:
    """The personal fields of `model` the request's caller must not see (computed once per request)."""
    cached = context.setdefault("hidden_fields", {})
    if model not in cached:
        cached[model] = frozenset(access.hidden_fields(context["request"].user, model))
    return cached[model]


class RecordSerializer(serializers.ModelSerializer):
    """Base of the generated serializers (read only)."""


def column_field(column):
    """The serializer field of one spreadsheet column, or None for the model's default mapping."""
    help_text = column.label
    if column.name in access.personal_fields(column.field.model):
        return PersonalField(help_text=format_lazy("{}{}", help_text, MASKED_NOTE))
    if column.is_m2m:
        return RelationListField(help_text=help_text)
    if column.is_fk:
        return RelationField(help_text=help_text)
    if column.choice_labels:
        return ChoiceLabelField(column.choice_labels, help_text=help_text)
    return None


# Workflow states a record carries besides its columns: its review, and a contract's registration.
STATE_FIELDS = ("review_status", "registration_status")


def state_fields(model) -> dict[str, ChoiceLabelField]:
    """The workflow states of `model`'s records (草稿/待审核/已通过/已退回, 待登记/已登记/...) by field name."""
    found = {}
    for name in STATE_FIELDS:
        if name == "review_status" and not review.is_reviewed(model):
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        labels = {code: in_chinese(label) for code, label in field.flatchoices}
        found[name] = ChoiceLabelField(labels, help_text=in_chinese(field.verbose_name))
    return found


def build_serializer(model, parts=(), skip=()) -> type[serializers.ModelSerializer]:
    """A read-only ModelSerializer of `model`'s spreadsheet columns (minus `skip`) and `parts`."""
    columns = [column for column in columns_for(model) if column.name not in skip]
    declared: dict = {}
    extra_kwargs = {}
    for column in columns:
        field = column_field(column)
        if field is None:
            extra_kwargs[column.name] = {"help_text": column.label}
        else:
            declared[column.name] = field
    states = state_fields(model)
    declared.update(states)
    for part in parts:
        parent_links = [f.name for f in part.model._meta.fields if f.is_relation and f.related_model is model]
        source = {"source": part.accessor} if part.accessor != part.name else {}
        declared[part.name] = build_serializer(part.model, skip=parent_links)(
            many=True, read_only=True, help_text=part.model._meta.verbose_name_plural, **source
        )
    names = [*BOOKKEEPING, *states, *(column.name for column in columns), *(part.name for part in parts)]
    meta = type("Meta", (), {"model": model, "fields": names, "read_only_fields": names, "extra_kwargs": extra_kwargs})
    attributes = {**declared, "Meta": meta, "__doc__": str(model._meta.verbose_name_plural)}
    return type(f"{model.__name__}Serializer", (RecordSerializer,), attributes)


@cache
def serializer_for(resource: Resource) -> type[serializers.ModelSerializer]:
    return build_serializer(resource.model, resource.parts)


# -- queries --------------------------------------------------------------------------------------


def joins(model, skip=()) -> tuple[list[str], list[str]]:
    """(select_related, plain many-to-many names) a serializer of `model` needs for its names."""
    related, many = [], []
    for column in columns_for(model):
        if column.name in skip or not column.is_relation:
            continue
        if column.is_m2m:
            many.append(column.name)
        else:
            related.append(column.name)
            related += [f"{column.name}__{path.rsplit('__', 1)[0]}" for path in linked_paths(column.related_model)]
    return related, many


def linked_paths(model) -> list[str]:
    """Display paths of `model` that cross a relation (talent: employer__name)."""
    return [path for path in display_paths(model) if "__" in path]


def related_queryset(model, skip=()):
    """Rows of `model` with what their names need joined in (for prefetching)."""
    related, many = joins(model, skip)
    queryset = model._default_manager.select_related(*related) if related else model._default_manager.all()
    return queryset.prefetch_related(*(many_prefetch(model, name) for name in many))


def many_prefetch(model, name: str) -> Prefetch:
    target = model._meta.get_field(name).related_model
    paths = [path.rsplit("__", 1)[0] for path in linked_paths(target)]
    return Prefetch(name, queryset=target._default_manager.select_related(*paths) if paths else None)


def record_queryset(resource: Resource, states: tuple[str, ...] = APPROVED_ONLY):
    """The resource's rows in the review `states` (registry/api/approval.py) with everything its
    serializer reads fetched in a fixed number of queries; parts that are reviewed records themselves
    are shown in the same states."""
    model = resource.model
    queryset = visible(related_queryset(model), states)
    for part in resource.parts:
        parent_links = [f.name for f in part.model._meta.fields if f.is_relation and f.related_model is model]
        rows = visible(related_queryset(part.model, skip=parent_links), states)
        queryset = queryset.prefetch_related(Prefetch(part.accessor, queryset=rows.order_by("pk")))
    return queryset
