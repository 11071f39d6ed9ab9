"""Every changelist's rows are the markup Django's own items_for_result writes, cell for cell."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from registry.admin import list_rows
from registry.models import ContractType, Organization, Talent, TechContract

from .admin_pages import log_in_superuser
from .support import RecordFactory, record_models


def changelist(model, user, **params):
    path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    request = RequestFactory().get(path, params)
    request.resolver_match = resolve(path)
    request.user = user
    model_admin = admin.site._registry[model]
    cl = model_admin.get_changelist_instance(request)
    cl.formset = None
    return cl


class ListRowsTests(TestCase):
    chief: Any

    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", "articles", verbosity=0)
        maker = RecordFactory()
        for model in record_models():
            maker.make(model)
        cls.chief = get_user_model().objects.create_superuser("rows-chief", None, None)

    def assert_same_rows(self, cl):
        ours = list_rows.results(cl)
        self.assertEqual(len(ours), len(cl.result_list))
        for result, row in zip(cl.result_list, ours):
            self.assertEqual(list(row), ["".join(items_for_result(cl, result, None))])

    def test_every_registered_list_renders_as_django_does(self):
        compared = 0
        for model in admin.site._registry:
            with self.subTest(model=model.__name__):
                cl = changelist(model, self.chief)
                self.assert_same_rows(cl)
                compared += len(cl.result_list)
        self.assertGreater(compared, 100)

    def test_filtered_list_keeps_its_filters_in_each_link(self):
        cl = changelist(Talent, self.chief, q="张", o="1")
        self.assertTrue(cl.result_list)
        self.assertIn("_changelist_filters", list(list_rows.results(cl))[0][0])
        self.assert_same_rows(cl)

    def test_a_missing_related_record_shows_the_empty_value(self):
        organization = Organization.objects.first()
        cl = changelist(Organization, self.chief)
        rows = [row for row in cl.result_list if row.pk == organization.pk]
        cl.result_list = rows

        def missing(obj):
            raise Organization.DoesNotExist

        cl.list_display = [*cl.list_display, missing]
        self.assert_same_rows(cl)
        self.assertIn('<td class="field-missing">', list_rows.results(cl)[0][0])

    def test_page_shows_the_rows(self):
        log_in_superuser(self.client)
        talent = Talent.objects.order_by("pk").first()
        response = self.client.get("/admin/registry/talent/", {"q": talent.name})
        self.assertContains(response, f"/admin/registry/talent/{talent.pk}/change/?_changelist_filters=")
        self.assertContains(response, 'class="action-select"')


class ContractPartiesColumnTests(TestCase):
    def test_buyers_and_sellers_are_listed_with_one_query_each_whatever_the_rows(self):
        kind = ContractType.objects.order_by("pk").first() or ContractType.objects.create(name="技术开发")
        a, b, c = (Organization.objects.create(name=name) for name in ("甲公司", "乙公司", "丙公司"))

        def add_contracts(count):
            for _ in range(count):
                contract = TechContract.objects.create(title=f"合同{TechContract.objects.count()}", contract_type=kind)
                contract.buyers.set([a, b])
                contract.sellers.set([c])

        log_in_superuser(self.client)
        url = "/admin/registry/techcontract/"
        add_contracts(2)
        self.client.get(url)  # the first page of a session also fills the navigation's cache
        with CaptureQueriesContext(connection) as few:
            response = self.client.get(url)
        self.assertContains(response, '<td class="field-buyer_names">甲公司、乙公司</td>', html=False, count=2)
        self.assertContains(response, '<td class="field-seller_names">丙公司</td>', count=2)
        add_contracts(8)
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url)
        self.assertContains(response, '<td class="field-seller_names">丙公司</td>', count=10)
        self.assertEqual(len(many.captured_queries), len(few.captured_queries))
