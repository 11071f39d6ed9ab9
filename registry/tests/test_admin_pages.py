"""Every registry screen opens for a superuser in Chinese: list, search, add, change, history, delete,
and the add and change forms offer every field of the record."""

from django.conf import settings
from django.contrib import admin
from django.test import TestCase

from registry.models import Organization, OrganizationAlias
from registry.models.base import resolve_path

from .admin_pages import admin_url, log_in_superuser
from .support import RecordFactory, record_models


def editable_fields(model) -> set[str]:
    fields = {f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key}
    fields |= {f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created}
    # A contract's registration is written by its registration steps (registry/registration.py) only.
    return fields - {"created_at", "updated_at", *getattr(model, "REGISTRATION_FIELDS", ())}


class AdminPageTests(TestCase):
    def setUp(self):
        log_in_superuser(self.client)

    def test_every_page_of_every_model_opens(self):
        maker = RecordFactory()
        for model in record_models():
            record = maker.make(model)
            for view, args in [
                ("changelist", ()),
                ("add", ()),
                ("change", (record.pk,)),
                ("history", (record.pk,)),
                ("delete", (record.pk,)),
            ]:
                with self.subTest(model=model.__name__, view=view):
                    response = self.client.get(admin_url(model, view, *args))
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, str(model._meta.verbose_name))
            with self.subTest(model=model.__name__, view="search"):
                response = self.client.get(admin_url(model, "changelist"), {"q": "1"})
                self.assertEqual(response.status_code, 200)

    def test_forms_offer_every_field(self):
        for model in record_models():
            with self.subTest(model=model.__name__):
                response = self.client.get(admin_url(model, "add"))
                self.assertEqual(set(response.context["adminform"].form.fields), editable_fields(model))

    def test_search_finds_organizations_by_alias_and_credit_code(self):
        organization = Organization.objects.create(
            name="内蒙古蒙牛乳业（集团）股份有限公司", credit_code="91110000600037341L"
        )
        OrganizationAlias.objects.create(organization=organization, name="蒙牛集团")
        Organization.objects.create(name="伊利")
        for query in ["蒙牛集团", "91110000600037341L", "蒙牛"]:
            with self.subTest(query=query):
                response = self.client.get(admin_url(Organization, "changelist"), {"q": query})
                self.assertEqual(list(response.context["cl"].result_list), [organization])

    def test_every_list_can_be_searched_and_all_but_aliases_filtered(self):
        for model in record_models():
            model_admin = admin.site._registry[model]
            with self.subTest(model=model.__name__):
                self.assertTrue(model_admin.search_fields)
                if model is not OrganizationAlias:
                    self.assertTrue(model_admin.list_filter)


class AutocompleteTests(TestCase):
    """Every autocomplete box of every form answers a search."""

    def setUp(self):
        log_in_superuser(self.client)

    def test_every_autocomplete_field_answers(self):
        maker = RecordFactory()
        for model in record_models():
            model_admin = admin.site._registry[model]
            editors = [(model, model_admin.autocomplete_fields)]
            editors += [(inline.model, inline.autocomplete_fields) for inline in model_admin.inlines]
            for edited, fields in editors:
                for name in fields:
                    target = edited._meta.get_field(name).related_model
                    record = maker.make(target, depth=1)
                    with self.subTest(model=edited.__name__, field=name):
                        response = self.client.get(
                            "/" + settings.ADMIN_URL + "autocomplete/",
                            {
                                "app_label": "registry",
                                "model_name": edited._meta.model_name or "",
                                "field_name": name,
                                "term": searchable_value(record),
                            },
                        )
                        self.assertEqual(response.status_code, 200)
                        self.assertIn(str(record.pk), [item["id"] for item in response.json()["results"]])


def searchable_value(record) -> str:
    """The value of the first search field of the record's admin that holds text (or a whole number,
    searched exactly) on `record`."""
    for path in admin.site._registry[type(record)].search_fields:
        try:
            value = resolve_path(record, path.removesuffix("__exact"))
        except AttributeError:  # a reverse relation such as aliases__name
            continue
        if isinstance(value, int) and not isinstance(value, bool) and path.endswith("__exact"):
            return str(value)
        if isinstance(value, str) and value:
            return value
    raise AssertionError(f"nothing to search {type(record).__name__} by")
