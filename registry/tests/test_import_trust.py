"""Issue 13, the import's trust points on the engine split: scope on the new values (point 3), ...

Each test reproduces a point as a district-scoped clerk (or a superuser where scope is not the
question) through the service API the admin and the commands share.
"""

from typing import Any

from django.contrib.auth.models import User
from django.test import TestCase

from registry import roles
from registry.importing import service
from registry.models import Division, Organization, TechContract
from registry.tests.support import RecordFactory, make_user

from .impexp_support import csv_text


def validate(model, rows, user, **options):
    plan, _header, _rows = service.validate(model, csv_text(rows).encode(), "file.csv", user, **options)
    return plan


class ImportScopeOnNewValuesTests(TestCase):
    """Point 3: the scope check reads the NEW buyers/sellers of a contract from the file."""

    division_a: Division
    division_b: Division
    org_a: Organization
    org_b: Organization
    contract_type: Any
    clerk_a: User

    @classmethod
    def setUpTestData(cls):
        cls.division_a, cls.division_b = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        cls.org_a = Organization.objects.create(name="甲区买方", division=cls.division_a)
        cls.org_b = Organization.objects.create(name="乙区买方", division=cls.division_b)
        cls.contract_type = RecordFactory().shared(TechContract._meta.get_field("contract_type").related_model)
        cls.clerk_a = make_user(roles.DATA_ENTRY, username="clerk_a", scope=[cls.division_a])

    def contract_rows(self, title, buyers):
        return [["标题", "合同类别", "买方"], [title, self.contract_type.name, buyers]]

    def test_a_new_contract_whose_buyer_is_in_the_district_is_accepted(self):
        plan = validate(TechContract, self.contract_rows("新合同", "甲区买方"), self.clerk_a)
        self.assertEqual((plan.errors, plan.counts["new"]), ([], 1))

    def test_a_new_contract_whose_buyers_are_all_elsewhere_is_refused(self):
        plan = validate(TechContract, self.contract_rows("新合同", "乙区买方"), self.clerk_a)
        self.assertEqual([error.message for error in plan.errors], ["该记录不在您负责的旗县区范围内"])
        self.assertFalse(plan.has_changes)

    def test_an_import_cannot_move_a_contract_out_of_the_district(self):
        contract = TechContract.objects.create(title="本区合同", contract_type=self.contract_type)
        contract.buyers.set([self.org_a])
        plan = validate(TechContract, self.contract_rows("本区合同", "乙区买方"), self.clerk_a)
        self.assertEqual(len(plan.errors), 1)
        self.assertFalse(plan.has_changes)

    def test_a_contract_of_another_district_cannot_be_pulled_in(self):
        contract = TechContract.objects.create(title="外区合同", contract_type=self.contract_type)
        contract.buyers.set([self.org_b])
        plan = validate(TechContract, self.contract_rows("外区合同", "甲区买方"), self.clerk_a)
        self.assertEqual([error.message for error in plan.errors], ["现有记录不在您负责的旗县区范围内"])
        self.assertFalse(plan.has_changes)

    def test_adding_a_buyer_in_the_district_to_an_own_contract_is_accepted(self):
        contract = TechContract.objects.create(title="本区合同", contract_type=self.contract_type)
        contract.buyers.set([self.org_a])
        plan = validate(TechContract, self.contract_rows("本区合同", "甲区买方；乙区买方"), self.clerk_a)
        self.assertEqual((plan.errors, plan.counts["updated"]), ([], 1))

    def test_an_unscoped_user_is_not_limited(self):
        boss = make_user(roles.ADMINISTRATOR, username="boss")
        plan = validate(TechContract, self.contract_rows("新合同", "乙区买方"), boss)
        self.assertEqual((plan.errors, plan.counts["new"]), ([], 1))
