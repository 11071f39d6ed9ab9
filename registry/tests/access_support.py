"""Shared set-up for the access tests: users in the real role groups, and one record per model."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.urls import path

from registry import roles
from registry.admin.base import RegistryAdmin
from registry.models import RegistryModel, StaffScope
from registry.models.lookups import Lookup
from registry.validators import id_number_check_char

PASSWORD = "Correct-Horse-Battery-9173"  # noqa: S105 - test accounts only


def make_user(username, *role_list, divisions=(), zones=(), superuser=False):
    """A staff user in the given roles' groups, optionally limited to districts."""
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True, is_superuser=superuser)
    user.groups.set(Group.objects.filter(name__in=[role.name for role in role_list]))
    if divisions or zones:
        scope = StaffScope.objects.create(user=user)
        scope.divisions.set(divisions)
        scope.zones.set(zones)
    return user


def valid_id_number(first17="15010219800101123") -> str:
    return first17 + id_number_check_char(first17)


# Nullable links filled so every record reaches an organization (and hence a district).
LINKS = {"employer", "host", "problem_owner", "organization", "talent", "workstation", "leader"}
# ...except where the model allows only one of them.
SKIPPED_LINKS = {"commissioner": {"organization"}}


class RecordBuilder:
    """Builds one valid record per model, following required and district-giving links."""

    def __init__(self, **fixed):
        self.made = dict(fixed)  # model -> instance
        self.counter = itertools.count(1)

    def get(self, model):
        if model not in self.made:
            self.made[model] = self._build(model)
        return self.made[model]

    def _build(self, model):
        if issubclass(model, Lookup) and model.objects.exists():
            return model.objects.first()
        values = {}
        skipped = SKIPPED_LINKS.get(model._meta.model_name, set())
        for field in model._meta.concrete_fields:
            if field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue
            if field.is_relation:
                if not field.null or (field.name in LINKS and field.name not in skipped):
                    values[field.name] = self.get(field.related_model)
            elif not (field.null or field.has_default() or (field.blank and isinstance(field, models.CharField))):
                values[field.name] = self._value(field)
        return model.objects.create(**values)

    def _value(self, field):
        number = next(self.counter)
        if field.choices:
            return field.choices[0][0]
        if isinstance(field, (models.DateField,)):
            return datetime.date(2024, 1, number % 28 + 1)
        if isinstance(field, models.DecimalField):
            return Decimal(number)
        if isinstance(field, (models.IntegerField,)):
            return 2000 + number
        if isinstance(field, models.SlugField):
            return f"record-{number}"
        return f"{field.model._meta.model_name} {number}"[: field.max_length]


def record_models():
    return roles.record_models()


def build_site(name="admin", extra=None):
    """An admin site holding the project's registrations plus a RegistryAdmin for every registry
    record model not registered yet (the model admins are written on another branch)."""
    site = admin.AdminSite(name=name)
    for model, model_admin in admin.site._registry.items():
        site.register(model, type(model_admin))
    for model, admin_class in (extra or {}).items():
        if model in site._registry:
            site.unregister(model)
        site.register(model, admin_class)
    for model in record_models():
        if model not in site._registry:
            site.register(model, RegistryAdmin)
    return site


def urlpatterns_for(site):
    return [path("admin/", site.urls)]


__all__ = ["PASSWORD", "RecordBuilder", "RegistryModel", "make_user", "urlpatterns_for"]
