"""The access tests' admin sites, and the older names of the helpers in registry.tests.support."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from registry.models import RegistryModel
from registry.validators import id_number_check_char

from . import support

# Older names of the helpers in registry.tests.support, kept while work in progress uses them.


def make_user(username, *role_list, divisions=(), zones=(), superuser=False):
    """support.make_user with the user name first and districts split by kind."""
    return support.make_user(*role_list, username=username, scope=[*divisions, *zones], superuser=superuser)


def valid_id_number(first17="15010219800101123") -> str:
    return first17 + id_number_check_char(first17)


class RecordBuilder(support.RecordFactory):
    """support.RecordFactory, whose `shared` was called `get` here."""

    def get(self, model):
        return self.shared(model)


def record_models():
    return support.record_models()


def build_site(name="admin", extra=None):
    """An admin site holding the project's registrations, with `extra` ({model: admin class}) instead."""
    site = admin.AdminSite(name=name)
    for model, model_admin in admin.site._registry.items():
        site.register(model, type(model_admin))
    for model, admin_class in (extra or {}).items():
        if model in site._registry:
            site.unregister(model)
        site.register(model, admin_class)
    return site


def urlpatterns_for(site):
    return [path("admin/", site.urls)]


PASSWORD = support.PASSWORD

__all__ = ["PASSWORD", "RecordBuilder", "RegistryModel", "make_user", "urlpatterns_for"]
