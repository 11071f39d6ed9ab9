"""Who a contract row is: a technology contract with a registration number is that number on import
(re-importing it updates, never duplicates); rows without one match by title and signing date."""

import datetime

from django.contrib.auth.models import User
from django.test import TestCase

from registry import roles
from registry.importing import service
from registry.models import ContractType, TechContract
from registry.tests.support import make_user

from .impexp_support import csv_text, staff

HEADER = ["登记编号", "标题", "合同类别", "签订日期", "合同成交额（元）"]
SIGNED = datetime.date(2024, 3, 1)


class RegistrationNumberTests(TestCase):
    user: User
    kind: ContractType

    @classmethod
    def setUpTestData(cls):
        cls.user = staff("importer", superuser=True)
        cls.kind = ContractType.objects.order_by("pk")[0]

    def plan(self, rows, user=None):
        data = csv_text(rows).encode("utf-8")
        plan, _header, _rows = service.validate(TechContract, data, "c.csv", user or self.user)
        return plan

    def run_import(self, rows, user=None):
        plan = self.plan(rows, user)
        self.assertEqual([str(error) for error in plan.errors], [])
        return service.apply_plan(plan, user or self.user, "c.csv")

    def row(self, number, title="牧草种子技术转让", amount="100000"):
        return [number, title, self.kind.name, "2024-03-01", amount]

    def contract(self, number, title="牧草种子技术转让"):
        return TechContract.objects.create(
            registration_number=number, title=title, contract_type=self.kind, signed_on=SIGNED
        )

    def test_reimporting_a_registration_number_with_a_corrected_title_updates_the_contract(self):
        self.run_import([HEADER, self.row("2024150100000001", title="牧草种子技术转让（初稿）")])
        result = self.run_import([HEADER, self.row("2024150100000001", amount="250000")])
        self.assertEqual(result, {"new": 0, "updated": 1})
        contract = TechContract.objects.get()
        self.assertEqual((contract.title, contract.contract_amount), ("牧草种子技术转让", 250000))
        self.assertEqual(contract.history.count(), 2)

    def test_two_contracts_of_one_title_and_date_with_different_numbers_are_two_contracts(self):
        self.contract("2024150100000001")
        result = self.run_import([HEADER, self.row("2024150100000002", amount="300000")])
        self.assertEqual(result, {"new": 1, "updated": 0})
        self.assertEqual(TechContract.objects.get(registration_number="2024150100000001").contract_amount, None)

    def test_the_number_wins_over_the_title_and_date_of_another_contract(self):
        first = self.contract("2024150100000001")
        second = self.contract("2024150100000002", title="乳业技术开发")
        self.run_import([HEADER, self.row("2024150100000002", amount="300000")])
        second.refresh_from_db()
        first.refresh_from_db()
        self.assertEqual((second.title, second.contract_amount), ("牧草种子技术转让", 300000))
        self.assertEqual(first.contract_amount, None)

    def test_a_number_for_the_one_unnumbered_contract_of_that_title_and_date_fills_it_in(self):
        contract = self.contract(None)
        self.assertEqual(self.run_import([HEADER, self.row("2024150100000009")]), {"new": 0, "updated": 1})
        contract.refresh_from_db()
        self.assertEqual(contract.registration_number, "2024150100000009")

    def test_a_row_without_a_number_naming_two_contracts_is_an_error_naming_their_numbers(self):
        self.contract("2024150100000001")
        self.contract("2024150100000002")
        clerk = make_user(roles.DATA_ENTRY, username="clerk")
        plan = self.plan([HEADER, self.row("")], user=clerk)
        self.assertEqual(len(plan.errors), 1)
        error = plan.errors[0]
        where = (error.row, error.column, error.value)
        self.assertEqual(where, (2, "标题 / 签订日期", "牧草种子技术转让 / 2024-03-01"))
        for part in ("2024150100000001", "2024150100000002", "登记编号", "技术合同"):
            self.assertIn(part, error.message)
        self.assertFalse(plan.has_changes)

    def test_one_number_twice_in_a_file_is_an_error_naming_row_column_and_value(self):
        plan = self.plan([HEADER, self.row("2024150100000001"), self.row("2024150100000001", title="乳业技术开发")])
        self.assertEqual(len(plan.errors), 1)
        error = plan.errors[0]
        self.assertEqual((error.row, error.column, error.value), (3, "登记编号", "2024150100000001"))
        self.assertIn("第 3 行，列“登记编号”，值“2024150100000001”：相同的值已在第 2 行出现", str(error))
        self.assertEqual(TechContract.objects.count(), 0)

    def test_rows_without_numbers_still_match_by_title_and_date(self):
        contract = self.contract(None)
        self.assertEqual(self.run_import([HEADER, self.row("", amount="5000")]), {"new": 0, "updated": 1})
        contract.refresh_from_db()
        self.assertEqual((contract.contract_amount, contract.registration_number), (5000, None))
