"""An import's many-to-many changes are history: each historical row the import writes holds the
record's links as written, the history page names the change in Chinese, a revert restores them."""

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from registry import link_history
from registry.importing import service
from registry.models import CommissionerTeam, ContractType, Division, Organization, TechContract

from .admin_pages import admin_url
from .impexp_support import csv_text, staff

HEADER = ["标题", "合同类别", "买方", "卖方", "合同成交额（元）"]


def history_links(record, field="buyers") -> set:
    """The pks a historical row's snapshot of `field` holds."""
    return link_history.links_at(type(record.instance), [record.history_id])[(record.history_id, field)]


class ImportLinkHistoryCase(TestCase):
    user: User
    kind: ContractType
    buyer_a: Organization
    buyer_b: Organization
    seller: Organization

    @classmethod
    def setUpTestData(cls):
        cls.user = staff("importer", superuser=True)
        cls.kind = ContractType.objects.order_by("pk")[0]
        cls.buyer_a = Organization.objects.create(name="甲买方有限公司")
        cls.buyer_b = Organization.objects.create(name="乙买方有限公司")
        cls.seller = Organization.objects.create(name="丙卖方研究院")

    def import_rows(self, rows, model=TechContract, file_name="contracts.csv"):
        plan, _header, _rows = service.validate(model, csv_text(rows).encode("utf-8"), file_name, self.user)
        self.assertEqual([str(error) for error in plan.errors], [])
        return service.apply_plan(plan, self.user, file_name)

    def contract_row(self, buyers, amount="100000"):
        return ["牧草种子技术转让", self.kind.name, buyers, "丙卖方研究院", amount]


class ContractImportHistoryTests(ImportLinkHistoryCase):
    def test_the_created_rows_history_holds_its_links(self):
        self.import_rows([HEADER, self.contract_row("甲买方有限公司、乙买方有限公司")])
        created = TechContract.objects.get().history.get()
        self.assertEqual(created.history_type, "+")
        self.assertEqual(history_links(created), {self.buyer_a.pk, self.buyer_b.pk})
        self.assertEqual(history_links(created, "sellers"), {self.seller.pk})

    def test_reimporting_other_buyers_is_one_row_holding_the_new_buyers(self):
        self.import_rows([HEADER, self.contract_row("甲买方有限公司")])
        self.import_rows([HEADER, self.contract_row("乙买方有限公司")], file_name="again.csv")
        contract = TechContract.objects.get()
        self.assertEqual(list(contract.buyers.all()), [self.buyer_b])
        self.assertEqual(contract.history.count(), 2, "one import, one historical row")
        latest = contract.history.latest()
        self.assertEqual((latest.history_type, latest.history_change_reason), ("~", "从 again.csv 导入"))
        self.assertEqual(history_links(latest), {self.buyer_b.pk})
        self.assertEqual(history_links(latest, "sellers"), {self.seller.pk}, "the unchanged sellers are kept too")

    def test_a_reimport_without_the_buyers_column_keeps_the_buyers_in_its_row(self):
        self.import_rows([HEADER, self.contract_row("甲买方有限公司")])
        self.import_rows([["标题", "合同类别", "合同成交额（元）"], ["牧草种子技术转让", self.kind.name, "200000"]])
        contract = TechContract.objects.get()
        latest = contract.history.latest()
        self.assertEqual(history_links(latest), {self.buyer_a.pk})
        self.client.force_login(self.user)
        page = self.client.get(admin_url(TechContract, "history", contract.pk))
        self.assertNotContains(page, "移除：")

    def test_the_history_page_names_the_imported_change_in_chinese(self):
        self.import_rows([HEADER, self.contract_row("甲买方有限公司")])
        self.import_rows([HEADER, self.contract_row("乙买方有限公司；丙卖方研究院")])
        contract = TechContract.objects.get()
        self.client.force_login(self.user)
        with translation.override("zh-hans"):
            page = self.client.get(admin_url(TechContract, "history", contract.pk), HTTP_ACCEPT_LANGUAGE="zh-hans")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "买方")
        self.assertContains(page, "移除：甲买方有限公司")
        self.assertContains(page, "新增：丙卖方研究院、乙买方有限公司")

    def test_reverting_to_the_first_import_brings_the_earlier_buyers_back(self):
        self.import_rows([HEADER, self.contract_row("甲买方有限公司")])
        contract = TechContract.objects.get()
        first = contract.history.get()
        self.import_rows([HEADER, self.contract_row("乙买方有限公司", amount="300000")])
        self.assertEqual(list(contract.buyers.all()), [self.buyer_b])

        self.client.force_login(self.user)
        url = reverse("admin:registry_techcontract_simple_history", args=(contract.pk, first.history_id))
        page = self.client.get(url)
        self.assertContains(page, "甲买方有限公司")  # what the revert gives back
        response = self.client.post(url, {"_revert": "1"})
        self.assertEqual(response.status_code, 302)

        contract.refresh_from_db()
        self.assertEqual(list(contract.buyers.all()), [self.buyer_a])
        self.assertEqual(list(contract.sellers.all()), [self.seller])
        self.assertEqual(contract.contract_amount, 100000)
        self.assertEqual(history_links(contract.history.latest()), {self.buyer_a.pk})

    def test_an_unknown_buyer_is_an_error_naming_row_column_and_value_and_writes_no_history(self):
        self.import_rows([HEADER, self.contract_row("甲买方有限公司")])
        rows = [HEADER, self.contract_row("甲买方有限公司"), ["新合同", self.kind.name, "丁不存在公司", "", ""]]
        plan, _header, _rows = service.validate(TechContract, csv_text(rows).encode("utf-8"), "bad.csv", self.user)
        self.assertEqual(len(plan.errors), 1)
        message = str(plan.errors[0])
        for part in ("第 3 行", "买方", "丁不存在公司"):
            self.assertIn(part, message)
        self.assertEqual(TechContract.history.count(), 1)


class TeamImportHistoryTests(ImportLinkHistoryCase):
    def test_a_teams_divisions_changed_by_import_are_in_its_history(self):
        first, second = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        header = ["名称", "服务旗县区"]
        self.import_rows([header, ["草原科技特派团", first.name]], model=CommissionerTeam)
        self.import_rows([header, ["草原科技特派团", second.name]], model=CommissionerTeam)
        team = CommissionerTeam.objects.get()
        old, new = team.history.order_by("history_date", "history_id")
        self.assertEqual(history_links(old, "divisions"), {first.pk})
        self.assertEqual(history_links(new, "divisions"), {second.pk})
        self.client.force_login(self.user)
        page = self.client.get(admin_url(CommissionerTeam, "history", team.pk))
        self.assertContains(page, f"移除：{first.name}")
        self.assertContains(page, f"新增：{second.name}")
