"""Amounts are stored in yuan and read and entered in 万元 (forms, lists, imports); figures of
indicators and targets show as plain numbers with their labels, not codes."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import SimpleTestCase, TestCase

from registry import numbers, roles
from registry.importing.engine import apply_plan, build_plan
from registry.models import ContractType, Indicator, Project, ProjectTarget, Source, TechContract
from registry.reports.indicators import COMPUTATIONS
from registry.tests.access_support import make_user
from registry.tests.impexp_support import staff


class ParseTests(SimpleTestCase):
    def test_either_unit_with_the_unit_explicit(self):
        self.assertEqual(numbers.parse_amount("12.5"), Decimal("125000.00"))
        self.assertEqual(numbers.parse_amount("12.5万元"), Decimal("125000.00"))
        self.assertEqual(numbers.parse_amount("12.5 万"), Decimal("125000.00"))
        self.assertEqual(numbers.parse_amount("125,000元"), Decimal("125000.00"))
        self.assertEqual(numbers.parse_amount("125000", "yuan"), Decimal("125000.00"))
        self.assertEqual(numbers.parse_amount("12.5万元", "yuan"), Decimal("125000.00"))
        self.assertIsNone(numbers.parse_amount(""))
        with self.assertRaisesMessage(ValueError, "十万"):
            numbers.parse_amount("十万")

    def test_plain_numbers(self):
        self.assertEqual(numbers.plain(Decimal("15.0000")), "15")
        self.assertEqual(numbers.plain(Decimal("10.0000")), "10")
        self.assertEqual(numbers.plain(Decimal("0.5000")), "0.5")
        self.assertEqual(numbers.wan_text(Decimal("125000.00")), "12.50")


class AmountScreenTests(TestCase):
    clerk: User
    kind: ContractType

    @classmethod
    def setUpTestData(cls):
        cls.clerk = make_user("clerk", roles.DATA_ENTRY)
        cls.kind = ContractType.objects.earliest("pk")

    def add(self, **amounts):
        self.client.force_login(self.clerk)
        data = {"title": "合同甲", "contract_type": self.kind.pk, **amounts}
        return self.client.post("/admin/registry/techcontract/add/", data)

    def test_a_form_takes_wan_or_yuan_and_stores_yuan(self):
        self.assertEqual(self.add(contract_amount="12.5", transaction_amount="80000元").status_code, 302)
        contract = TechContract.objects.get()
        self.assertEqual((contract.contract_amount, contract.transaction_amount), (Decimal("125000"), Decimal("80000")))
        page = self.client.get(f"/admin/registry/techcontract/{contract.pk}/change/").content.decode()
        self.assertIn("合同金额（万元）", page)
        self.assertIn('value="12.5"', page)
        self.assertIn('value="8"', page)

    def test_a_wrong_amount_names_the_field(self):
        response = self.add(contract_amount="十万")
        self.assertEqual(response.status_code, 200)
        self.assertIn("contract_amount", response.context["adminform"].form.errors)
        self.assertFalse(TechContract.objects.exists())

    def test_the_list_shows_wan(self):
        TechContract.objects.create(title="合同乙", contract_type=self.kind, contract_amount=Decimal("1234567.89"))
        self.client.force_login(self.clerk)
        page = self.client.get("/admin/registry/techcontract/").content.decode()
        self.assertIn("123.46", page)
        self.assertIn("合同金额（万元）", page)
        self.assertNotIn("1234567.89", page)


class AmountImportTests(TestCase):
    user: User
    kind: ContractType

    @classmethod
    def setUpTestData(cls):
        cls.user = staff("importer", superuser=True)
        cls.kind = ContractType.objects.earliest("pk")

    def imported(self, header, value):
        plan = build_plan(TechContract, ["标题", "合同类别", header], [["合同丙", self.kind.name, value]], self.user)
        self.assertEqual(plan.errors, [])
        apply_plan(plan, self.user, "c.xlsx")
        return TechContract.objects.get(title="合同丙").contract_amount

    def test_a_wan_header_is_read_in_wan(self):
        self.assertEqual(self.imported("合同金额（万元）", 12.5), Decimal("125000"))

    def test_a_yuan_header_is_read_in_yuan_unless_the_cell_says_wan(self):
        self.assertEqual(self.imported("合同成交额（元）", "125000"), Decimal("125000"))
        TechContract.objects.all().delete()
        self.assertEqual(self.imported("合同成交额（元）", "12.5万元"), Decimal("125000"))

    def test_both_headers_at_once_are_refused(self):
        header = ["标题", "合同类别", "合同成交额（元）", "合同金额（万元）"]
        plan = build_plan(TechContract, header, [["合同丁", self.kind.name, "1", "1"]], self.user)
        self.assertEqual([(e.row, e.message) for e in plan.errors], [(1, "该列出现了两次")])


class LabelTests(TestCase):
    def test_every_computation_has_a_label(self):
        self.assertEqual(set(Indicator.Computation.values) - {""}, set(COMPUTATIONS))

    def test_indicators_and_targets_show_labels_and_plain_numbers(self):
        source = Source.objects.create(key="s", title="来源")
        Indicator.objects.create(
            subject="呼和浩特",
            metric="落地项目",
            value=Decimal("15.0000"),
            unit="项",
            source=source,
            qualifier="more_than",
            computed_as="landing_projects",
        )
        project = Project.objects.create(title="项目甲", kind="landing")
        ProjectTarget.objects.create(
            project=project, metric="产值", value=Decimal("3.5000"), unit="亿元", qualifier="more_than"
        )
        self.client.force_login(get_user_model().objects.create_superuser("chief", password="x"))
        for path in ("/admin/registry/indicator/", "/admin/registry/projecttarget/"):
            with self.subTest(path=path):
                page = self.client.get(path).content.decode()
                self.assertNotIn(">more_than<", page)
                self.assertNotIn("0000<", page)
                self.assertIn("多", page)
        page = self.client.get("/admin/registry/indicator/").content.decode()
        self.assertNotIn("landing_projects<", page)
        self.assertIn("校地合作落地项目", page)
