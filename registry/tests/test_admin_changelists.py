"""Every model has an admin screen built on RegistryAdmin, and its changelist runs a fixed number
of queries however many rows it shows."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.admin.base import RegistryAdmin

from .support import RecordFactory, record_models


class RegistrationTests(TestCase):
    def test_every_model_is_registered_with_a_registry_admin(self):
        for model in record_models():
            with self.subTest(model=model.__name__):
                self.assertIn(model, admin.site._registry)
                self.assertIsInstance(admin.site._registry[model], RegistryAdmin)

    def test_every_relation_is_edited_with_autocomplete(self):
        request = RequestFactory().get("/")
        request.user = get_user_model()(is_superuser=True, is_staff=True)
        for model in record_models():
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
        cache.clear()  # the header's review counts (cached briefly) are counted afresh on each page measured
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertGreaterEqual(response.context["cl"].result_count, rows_at_least)
        return len(queries)

    def test_changelists_run_the_same_queries_for_few_and_many_rows(self):
        maker = RecordFactory()
        for model in record_models():
            with self.subTest(model=model.__name__):
                url = reverse(f"admin:registry_{model._meta.model_name}_changelist")
                self.client.get(url)  # first request fills per-process caches (content types)
                maker.make(model)
                few = self.changelist_queries(url, 1)
                for _ in range(6):
                    maker.make(model)
                many = self.changelist_queries(url, 7)
                self.assertEqual(few, many, f"{model.__name__}: {few} queries for few rows, {many} for more")
