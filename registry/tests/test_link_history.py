"""Many-to-many links are part of a record's history: kept, shown by name, restored."""

from django.apps import apps
from django.core import serializers
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from registry import link_history
from registry.models import ContractType, Organization, RegistryModel, TechContract

from .admin_pages import admin_url, form_data, log_in_superuser


def history_links(record, field="buyers") -> set:
    """The pks a historical row's snapshot of `field` holds."""
    return link_history.links_at(type(record.instance), [record.history_id])[(record.history_id, field)]


class LinkFieldsTests(TestCase):
    def test_every_many_to_many_field_with_a_link_table_is_kept_in_history(self):
        missing = []
        for model in apps.get_app_config("registry").get_models():
            if not issubclass(model, RegistryModel):
                continue
            kept = {field.name for field in link_history.link_fields(model)}
            for field in model._meta.many_to_many:
                if link_history.has_link_table(field) and field.name not in kept:
                    missing.append(f"{model.__name__}.{field.name}")
        self.assertEqual(missing, [])
        kept = {field.name for field in link_history.link_fields(TechContract)}
        self.assertEqual(kept, {"buyers", "sellers", "brokers", "citations"})

    def test_fields_through_a_model_of_their_own_are_left_to_that_models_history(self):
        from registry.models import Platform, Workstation

        self.assertNotIn("members", {field.name for field in link_history.link_fields(Workstation)})
        self.assertNotIn("experts", {field.name for field in link_history.link_fields(Platform)})


class ContractLinksTests(TestCase):
    buyer_a: Organization
    buyer_b: Organization
    seller: Organization
    kind: ContractType

    @classmethod
    def setUpTestData(cls):
        cls.buyer_a = Organization.objects.create(name="甲买方有限公司")
        cls.buyer_b = Organization.objects.create(name="乙买方有限公司")
        cls.seller = Organization.objects.create(name="丙卖方研究院")
        cls.kind = ContractType.objects.order_by("pk")[0]

    def setUp(self):
        self.user = log_in_superuser(self.client)

    def add_contract(self, **values):
        page = self.client.get(admin_url(TechContract, "add"))
        data = form_data(page, title="牧草种子技术转让", contract_type=str(self.kind.pk), **values)
        response = self.client.post(admin_url(TechContract, "add"), data)
        self.assertEqual(response.status_code, 302, "the contract was refused")
        return TechContract.objects.get(title="牧草种子技术转让")

    def change(self, contract, **values):
        url = admin_url(TechContract, "change", contract.pk)
        response = self.client.post(url, form_data(self.client.get(url), **values))
        self.assertEqual(response.status_code, 302, "the change was refused")

    def test_changing_the_buyers_in_the_admin_leaves_one_row_holding_the_new_buyers(self):
        contract = self.add_contract(buyers=[str(self.buyer_a.pk)], sellers=[str(self.seller.pk)])
        created = contract.history.get()
        self.assertEqual(created.history_type, "+")
        self.assertEqual(history_links(created), {self.buyer_a.pk})
        self.assertEqual(history_links(created, "sellers"), {self.seller.pk})

        self.change(contract, buyers=[str(self.buyer_b.pk)])
        self.assertEqual(contract.history.count(), 2, "one save, one historical row")
        latest = contract.history.latest()
        self.assertEqual((latest.history_type, latest.history_user), ("~", self.user))
        self.assertEqual(history_links(latest), {self.buyer_b.pk})
        self.assertEqual(history_links(latest, "sellers"), {self.seller.pk})

    def test_the_history_page_names_the_added_and_removed_buyers_in_chinese(self):
        contract = self.add_contract(buyers=[str(self.buyer_a.pk)])
        self.change(contract, buyers=[str(self.buyer_b.pk), str(self.seller.pk)])
        with translation.override("zh-hans"):
            page = self.client.get(admin_url(TechContract, "history", contract.pk), HTTP_ACCEPT_LANGUAGE="zh-hans")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "买方")
        self.assertContains(page, "移除：甲买方有限公司")
        self.assertContains(page, "新增：丙卖方研究院、乙买方有限公司")

    def test_a_deleted_buyer_is_named_from_its_history_on_the_history_page(self):
        contract = self.add_contract(buyers=[str(self.buyer_a.pk)])
        gone = Organization.objects.create(name="已注销公司")
        self.change(contract, buyers=[str(gone.pk)])
        self.change(contract, buyers=[])
        gone.delete()
        page = self.client.get(admin_url(TechContract, "history", contract.pk))
        self.assertContains(page, "新增：已注销公司（已删除）")
        self.assertContains(page, "移除：已注销公司（已删除）")

    def test_a_deleted_record_without_history_is_named_by_its_number(self):
        contract = self.add_contract(buyers=[str(self.buyer_a.pk)])
        gone = Organization.objects.create(name="无历史公司")
        gone.history.all().delete()
        self.change(contract, buyers=[str(gone.pk)])
        self.change(contract, buyers=[])
        gone_pk = gone.pk
        Organization.objects.filter(pk=gone_pk).delete()
        Organization.history.filter(id=gone_pk).delete()
        page = self.client.get(admin_url(TechContract, "history", contract.pk))
        self.assertContains(page, f"新增：已删除的记录 #{gone_pk}")

    def test_restoring_a_version_gives_back_its_buyers_in_one_row(self):
        contract = self.add_contract(buyers=[str(self.buyer_a.pk)], sellers=[str(self.seller.pk)])
        first = contract.history.get()
        self.change(contract, buyers=[str(self.buyer_b.pk)], sellers=[])
        rows = contract.history.count()

        contract.save()  # the revert's own historical row, then its links
        with link_history.links_recorded(contract):
            restored = link_history.restore_links(contract, first)
        self.assertEqual(restored.missing, {})
        self.assertEqual(set(contract.buyers.all()), {self.buyer_a})
        self.assertEqual(set(contract.sellers.all()), {self.seller})
        self.assertEqual(contract.history.count(), rows + 1)
        self.assertEqual(history_links(contract.history.latest()), {self.buyer_a.pk})

    def test_restoring_leaves_out_and_counts_buyers_deleted_since(self):
        contract = self.add_contract(buyers=[str(self.buyer_a.pk), str(self.buyer_b.pk)])
        first = contract.history.get()
        self.change(contract, buyers=[str(self.buyer_a.pk)])
        self.buyer_b.delete()
        with link_history.links_recorded(contract):
            restored = link_history.restore_links(contract, first)
        self.assertEqual(restored.missing, {"buyers": 1})
        self.assertEqual(set(contract.buyers.all()), {self.buyer_a})
        self.assertEqual(
            {name: [str(obj) for obj in objs] for name, objs in link_history.links_of_version(first).items() if objs},
            {"buyers": ["甲买方有限公司"]},
        )

    def revert_url(self, contract, record):
        return reverse("admin:registry_techcontract_simple_history", args=(contract.pk, record.history_id))

    def test_a_contracts_buyers_changed_then_reverted_come_back(self):
        contract = self.add_contract(buyers=[str(self.buyer_a.pk)], sellers=[str(self.seller.pk)])
        first = contract.history.get()
        self.change(contract, buyers=[str(self.buyer_b.pk)])
        self.assertEqual(list(contract.buyers.all()), [self.buyer_b])

        page = self.client.get(self.revert_url(contract, first))
        self.assertContains(page, "买方")
        self.assertContains(page, "乙买方有限公司")  # what the contract has now
        self.assertContains(page, "甲买方有限公司")  # what the revert gives back
        response = self.client.post(self.revert_url(contract, first), {"_revert": "1"})
        self.assertEqual(response.status_code, 302)

        self.assertEqual(list(contract.buyers.all()), [self.buyer_a])
        self.assertEqual(list(contract.sellers.all()), [self.seller])
        reverted = contract.history.latest()
        self.assertTrue(reverted.history_change_reason.startswith("已还原"))
        self.assertEqual(history_links(reverted), {self.buyer_a.pk})
        self.assertEqual(contract.history.count(), 3, "the revert is one historical row")

    def test_a_scoped_clerk_cannot_revert_a_contract_to_buyers_outside_their_district(self):
        from registry import roles
        from registry.models import Division
        from registry.tests.access_support import make_user

        division_a, division_b = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        Organization.objects.filter(pk=self.buyer_a.pk).update(division=division_b)
        Organization.objects.filter(pk__in=[self.buyer_b.pk, self.seller.pk]).update(division=division_a)
        contract = self.add_contract(buyers=[str(self.buyer_a.pk)], sellers=[str(self.seller.pk)])
        first = contract.history.get()
        self.change(contract, buyers=[str(self.buyer_b.pk)])
        self.client.force_login(make_user("clerk_a", roles.DATA_ENTRY, divisions=[division_a]))
        self.client.post(self.revert_url(contract, first), {"_revert": "1"})
        self.assertEqual(list(contract.buyers.all()), [self.buyer_b], "nothing was reverted")
        self.assertEqual(contract.history.count(), 2)

    def test_a_change_made_from_the_organizations_side_is_history_of_the_contract(self):
        contract = TechContract.objects.create(title="反向添加的合同", contract_type=self.kind)
        before = contract.history.count()
        organization_rows = self.buyer_a.history.count()
        self.buyer_a.contracts_bought.add(contract)
        self.assertEqual(contract.history.count(), before + 1)
        self.assertEqual(history_links(contract.history.latest()), {self.buyer_a.pk})
        self.buyer_a.contracts_bought.clear()
        self.assertEqual(contract.history.count(), before + 2)
        self.assertEqual(history_links(contract.history.latest()), set())
        self.assertEqual(self.buyer_a.history.count(), organization_rows, "the organization's own links did not change")


class FixtureLinksTests(TestCase):
    def test_loading_fixtures_writes_no_link_history(self):
        buyer = Organization.objects.create(name="夹具买方")
        contract = TechContract.objects.create(title="夹具合同", contract_type=ContractType.objects.first())
        contract.buyers.add(buyer)
        data = serializers.serialize("json", [buyer, contract])
        TechContract.objects.all().delete()
        Organization.objects.all().delete()
        TechContract.history.all().delete()
        Organization.history.all().delete()
        for loaded in serializers.deserialize("json", data):
            loaded.save()  # what loaddata does: a raw save, then the links
        self.assertEqual(list(TechContract.objects.get().buyers.all()), [buyer])
        self.assertFalse(TechContract.history.exists(), "loading wrote history for the contract's links")
