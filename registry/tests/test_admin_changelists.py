"""Every model has an admin screen built on RegistryAdmin, and its changelist runs a fixed number
of queries however many rows it shows."""

import datetime
import itertools
from decimal import Decimal

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.admin.base import RegistryAdmin
from registry.models import ApiKey, AuditEvent, Commissioner, Organization, PendingImport, StaffScope, Talent

# Not records: the audit log (own admin), scopes (edited on the user page), pending imports (internal),
# API keys (own admin, registry/api/admin.py).
NOT_MINE = {AuditEvent, StaffScope, PendingImport, ApiKey}


def registry_models():
    return [
        model
        for model in apps.get_app_config("registry").get_models()
        if not model.__name__.startswith("Historical") and model not in NOT_MINE
    ]


def plain_value(field, n: int):
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
    return text if len(text) <= field.max_length else str(n)


class RecordMaker:
    """Builds a record of any registry model with every link filled, so that a changelist that
    follows relations row by row shows up as extra queries."""

    def __init__(self):
        self.counter = itertools.count(1)

    def make(self, model, depth: int = 0):
        n = next(self.counter)
        values = self.overrides(model, n, depth)
        for field in model._meta.concrete_fields:
            if (
                field.primary_key
                or field.name in values
                or getattr(field, "auto_now", False)
                or getattr(field, "auto_now_add", False)
            ):
                continue
            if field.is_relation:
                # Optional links only on the listed record itself (and never to its own model).
                if (field.null and depth > 0) or field.related_model is model:
                    continue
                values[field.name] = self.make(field.related_model, depth + 1)
            elif not (field.null or field.blank or field.has_default()):
                values[field.name] = plain_value(field, n)
        record = model.objects.create(**values)
        if depth == 0:
            for field in model._meta.many_to_many:
                if field.remote_field.through._meta.auto_created:
                    getattr(record, field.name).set([self.make(field.related_model, 1) for _ in range(2)])
        return record

    def overrides(self, model, n: int, depth: int) -> dict:
        if model is Commissioner:
            # Either a person or a legal-person unit (a database constraint): alternate between them.
            if n % 2:
                unit = self.make(Organization, depth + 1)
                return {"kind": Commissioner.Kind.LEGAL_PERSON, "talent": None, "organization": unit}
            return {"talent": self.make(Talent, depth + 1), "organization": None}
        return {}


class RegistrationTests(TestCase):
    def test_every_model_is_registered_with_a_registry_admin(self):
        for model in registry_models():
            with self.subTest(model=model.__name__):
                self.assertIn(model, admin.site._registry)
                self.assertIsInstance(admin.site._registry[model], RegistryAdmin)

    def test_every_relation_is_edited_with_autocomplete(self):
        request = RequestFactory().get("/")
        request.user = get_user_model()(is_superuser=True, is_staff=True)
        for model in registry_models():
            model_admin = admin.site._registry[model]
            self.assertEqual(missing_autocomplete(model_admin, model, request, relations(model)), [])
            for inline in model_admin.get_inline_instances(request):
                # An inline shows some of its record's fields; those it shows, it shows with autocomplete.
                shown = [f for f in relations(inline.model) if f.name in inline.get_fields(request)]
                self.assertEqual(missing_autocomplete(inline, inline.model, request, shown), [])


def missing_autocomplete(editor, model, request, fields) -> list[str]:
    names = set(editor.get_fields(request))
    absent = [f"{model.__name__}.{f.name} not on the form" for f in fields if f.name not in names]
    plain = [f"{model.__name__}.{f.name}" for f in fields if f.name not in editor.autocomplete_fields]
    return absent + plain


def relations(model):
    """Links a form edits: foreign keys and many-to-many fields not kept through a model of ours."""
    fields = [f for f in model._meta.concrete_fields if f.is_relation and f.editable]
    fields += [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
    return fields


class ChangelistQueryTests(TestCase):
    def setUp(self):
        user = get_user_model().objects.create_superuser("chief", password=None)
        self.client.force_login(user)

    def changelist_queries(self, url: str, rows_at_least: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertGreaterEqual(response.context["cl"].result_count, rows_at_least)
        return len(queries)

    def test_changelists_run_the_same_queries_for_few_and_many_rows(self):
        maker = RecordMaker()
        for model in registry_models():
            with self.subTest(model=model.__name__):
                url = reverse(f"admin:registry_{model._meta.model_name}_changelist")
                self.client.get(url)  # first request fills per-process caches (content types)
                maker.make(model)
                few = self.changelist_queries(url, 1)
                for _ in range(6):
                    maker.make(model)
                many = self.changelist_queries(url, 7)
                self.assertEqual(few, many, f"{model.__name__}: {few} queries for few rows, {many} for more")
