"""Talents and contracts keep their districts (registry/districts.py) on every write path, and the
scope read from them is the scope of access.DISTRICT_PATHS."""

import datetime

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Q
from django.test import TestCase

from registry import access, districts, merging, roles
from registry.importing import service
from registry.models import (
    ContractType,
    DevelopmentZone,
    Division,
    Organization,
    Talent,
    TechContract,
    TechContractDistrict,
)

from .access_support import make_user
from .admin_pages import admin_url, form_data, log_in_superuser
from .impexp_support import csv_text, staff
from .support import id_number


def stored(talent: Talent) -> tuple:
    talent = Talent.objects.get(pk=talent.pk)
    return (talent.scope_division_id, talent.scope_zone_id)


def pairs(contract: TechContract) -> set:
    return set(TechContractDistrict.objects.filter(contract=contract).values_list("division_id", "zone_id"))


def signing_dates(contract: TechContract) -> set:
    return set(TechContractDistrict.objects.filter(contract=contract).values_list("signed_on", flat=True))


def by_joins(queryset, found: access.Districts):
    """The records of `queryset` in `found` through DISTRICT_PATHS, as the scope read them before."""
    model = queryset.model
    condition = Q()
    for path in access.DISTRICT_PATHS[model._meta.model_name]:
        ids = found.ids_for(access.path_target(model, path))
        if ids:
            condition |= Q(**{f"{path}__in": ids})
    return set(queryset.filter(condition).values_list("pk", flat=True)) if condition else set()


class StoredDistrictCase(TestCase):
    division_a: Division
    division_b: Division
    zone: DevelopmentZone
    org_a: Organization
    org_b: Organization
    org_zone: Organization
    kind: ContractType

    @classmethod
    def setUpTestData(cls):
        cls.division_a, cls.division_b = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        cls.zone = DevelopmentZone.objects.order_by("pk")[0]
        cls.org_a = Organization.objects.create(name="甲区企业", division=cls.division_a)
        cls.org_b = Organization.objects.create(name="乙区企业", division=cls.division_b)
        cls.org_zone = Organization.objects.create(name="园区企业", division=cls.division_b, zone=cls.zone)
        cls.kind = ContractType.objects.order_by("pk")[0]

    def contract(self, title="技术转让合同", buyers=(), sellers=()):
        contract = TechContract.objects.create(title=title, contract_type=self.kind)
        contract.buyers.set(buyers)
        contract.sellers.set(sellers)
        return contract


class SaveTests(StoredDistrictCase):
    def test_a_talent_keeps_its_employers_division_and_zone(self):
        talent = Talent.objects.create(name="张三", employer=self.org_zone)
        self.assertEqual(stored(talent), (self.division_b.pk, self.zone.pk))
        talent.employer = self.org_a
        talent.save()
        self.assertEqual(stored(talent), (self.division_a.pk, None))
        talent.employer = None
        talent.save(update_fields=["employer"])
        self.assertEqual(stored(talent), (None, None))

    def test_the_admin_form_changing_the_employer_moves_the_talent(self):
        client = self.client
        log_in_superuser(client)
        talent = Talent.objects.create(name="李四", employer=self.org_a)
        url = admin_url(Talent, "change", talent.pk)
        response = client.post(url, form_data(client.get(url), employer=str(self.org_b.pk)))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(stored(talent), (self.division_b.pk, None))

    def test_a_contract_keeps_the_districts_of_its_buyers_and_sellers(self):
        contract = self.contract(buyers=[self.org_a], sellers=[self.org_zone])
        self.assertEqual(pairs(contract), {(self.division_a.pk, None), (self.division_b.pk, self.zone.pk)})
        contract.sellers.remove(self.org_zone)
        self.assertEqual(pairs(contract), {(self.division_a.pk, None)})
        contract.buyers.clear()
        self.assertEqual(pairs(contract), set())

    def test_a_contracts_district_rows_keep_its_signing_date(self):
        contract = self.contract(buyers=[self.org_a], sellers=[self.org_zone])
        self.assertEqual(signing_dates(contract), {None})
        contract.signed_on = datetime.date(2025, 6, 1)
        contract.save()
        self.assertEqual(signing_dates(contract), {datetime.date(2025, 6, 1)})
        contract.sellers.set([self.org_b])  # rows rewritten with the date
        self.assertEqual(signing_dates(contract), {datetime.date(2025, 6, 1)})
        contract.signed_on = None
        contract.save(update_fields=["signed_on"])
        self.assertEqual(signing_dates(contract), {None})

    def test_the_admin_form_changing_the_signing_date_changes_the_rows(self):
        client = self.client
        log_in_superuser(client)
        contract = self.contract(buyers=[self.org_a])
        url = admin_url(TechContract, "change", contract.pk)
        response = client.post(url, form_data(client.get(url), signed_on="2025-07-08"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(signing_dates(contract), {datetime.date(2025, 7, 8)})

    def test_links_changed_from_the_organizations_side_are_followed(self):
        contract = self.contract()
        self.org_b.contracts_bought.add(contract)
        self.assertEqual(pairs(contract), {(self.division_b.pk, None)})
        self.org_b.contracts_bought.clear()
        self.assertEqual(pairs(contract), set())
        self.org_a.contracts_sold.set([contract])
        self.assertEqual(pairs(contract), {(self.division_a.pk, None)})

    def test_an_organization_moving_district_takes_its_talents_and_contracts_along(self):
        talent = Talent.objects.create(name="王五", employer=self.org_a)
        contract = self.contract(buyers=[self.org_a])
        clerk_b = make_user("clerk_b", roles.DATA_ENTRY, divisions=[self.division_b])
        self.assertFalse(access.scope_queryset(clerk_b, Talent.objects.all()).exists())
        self.org_a.division, self.org_a.zone = self.division_b, self.zone
        self.org_a.save()
        self.assertEqual(stored(talent), (self.division_b.pk, self.zone.pk))
        self.assertEqual(pairs(contract), {(self.division_b.pk, self.zone.pk)})
        clerk_b = type(clerk_b).objects.get(pk=clerk_b.pk)
        self.assertEqual(list(access.scope_queryset(clerk_b, Talent.objects.all())), [talent])
        self.assertEqual(list(access.scope_queryset(clerk_b, TechContract.objects.all())), [contract])

    def test_a_deleted_organization_leaves_its_contracts_districts(self):
        contract = self.contract(buyers=[self.org_a], sellers=[self.org_b])
        self.org_b.delete()
        self.assertEqual(pairs(contract), {(self.division_a.pk, None)})


class BulkWriteTests(StoredDistrictCase):
    def setUp(self):
        self.user = staff("importer", superuser=True)

    def import_rows(self, model, rows, name="file.csv"):
        user = self.user
        plan, _header, _table = service.validate(model, csv_text(rows).encode("utf-8"), name, user)
        self.assertEqual([str(error) for error in plan.errors], [])
        return service.apply_plan(plan, user, name)

    def test_an_import_creating_and_moving_talents_stores_their_districts(self):
        number = id_number()
        header = ["姓名", "证件号码", "工作单位"]
        self.import_rows(Talent, [header, ["赵六", number, "甲区企业"], ["钱七", "", "园区企业"]])
        self.assertEqual(stored(Talent.objects.get(name="赵六")), (self.division_a.pk, None))
        self.assertEqual(stored(Talent.objects.get(name="钱七")), (self.division_b.pk, self.zone.pk))
        # The same identity number at another employer: the stored talent is updated and moves.
        self.import_rows(Talent, [header, ["赵六", number, "园区企业"]], name="again.csv")
        self.assertEqual(stored(Talent.objects.get(name="赵六")), (self.division_b.pk, self.zone.pk))
        self.import_rows(Talent, [header, ["赵六", number, "乙区企业"]], name="third.csv")
        self.assertEqual(stored(Talent.objects.get(name="赵六")), (self.division_b.pk, None))

    def test_an_import_of_contracts_stores_the_buyers_and_sellers_districts(self):
        header = ["标题", "合同类别", "买方", "卖方"]
        self.import_rows(TechContract, [header, ["牧草种子技术转让", self.kind.name, "甲区企业", "园区企业"]])
        contract = TechContract.objects.get()
        self.assertEqual(pairs(contract), {(self.division_a.pk, None), (self.division_b.pk, self.zone.pk)})
        self.import_rows(TechContract, [header, ["牧草种子技术转让", self.kind.name, "乙区企业", ""]], "b.csv")
        self.assertEqual(pairs(contract), {(self.division_b.pk, None), (self.division_b.pk, self.zone.pk)})

    def test_an_import_keeps_the_contracts_signing_dates_on_their_district_rows(self):
        header = ["标题", "合同类别", "签订日期", "买方", "卖方"]
        self.import_rows(TechContract, [header, ["草种技术开发", self.kind.name, "2025-03-01", "甲区企业", "园区企业"]])
        contract = TechContract.objects.get()
        self.assertEqual(signing_dates(contract), {datetime.date(2025, 3, 1)})
        # Found by its registration number, a later file changes only the date (same parties),
        # then the parties and the date together.
        TechContract.objects.filter(pk=contract.pk).update(registration_number="2025150100000000001")
        header = ["登记编号", *header]
        row = ["2025150100000000001", "草种技术开发", self.kind.name]
        self.import_rows(TechContract, [header, [*row, "2025-04-02", "甲区企业", "园区企业"]], "b.csv")
        self.assertEqual(signing_dates(contract), {datetime.date(2025, 4, 2)})
        self.import_rows(TechContract, [header, [*row, "2025-05-03", "乙区企业", ""]], "c.csv")
        self.assertEqual(signing_dates(contract), {datetime.date(2025, 5, 3)})
        # A blank seller cell leaves the seller alone.
        self.assertEqual(pairs(contract), {(self.division_b.pk, None), (self.division_b.pk, self.zone.pk)})
        self.assertEqual(TechContract.objects.count(), 1)

    def test_an_import_moving_organizations_moves_their_records(self):
        talent = Talent.objects.create(name="孙八", employer=self.org_a)
        contract = self.contract(sellers=[self.org_a])
        self.import_rows(Organization, [["名称", "旗县区"], ["甲区企业", self.division_b.name]])
        self.assertEqual(stored(talent), (self.division_b.pk, None))
        self.assertEqual(pairs(contract), {(self.division_b.pk, None)})

    def test_merging_organizations_moves_the_merged_ones_records_to_the_kept_district(self):
        talent = Talent.objects.create(name="周九", employer=self.org_a)
        contract = self.contract(buyers=[self.org_a])
        merging.merge(make_user("merger", roles.ADMINISTRATOR), Organization, self.org_b.pk, [self.org_a.pk])
        self.assertEqual(stored(talent), (self.division_b.pk, None))
        self.assertEqual(pairs(contract), {(self.division_b.pk, None)})

    def test_refresh_all_recomputes_rows_written_without_it(self):
        talent = Talent.objects.create(name="吴十", employer=self.org_zone)
        contract = self.contract(buyers=[self.org_a])
        Talent.objects.update(scope_division=None, scope_zone=None)
        TechContractDistrict.objects.all().delete()
        districts.refresh_all()
        self.assertEqual(stored(talent), (self.division_b.pk, self.zone.pk))
        self.assertEqual(pairs(contract), {(self.division_a.pk, None)})

    def test_migration_0028_copies_the_contracts_signing_dates(self):
        contract = self.contract(buyers=[self.org_a], sellers=[self.org_zone])
        TechContract.objects.filter(pk=contract.pk).update(signed_on=datetime.date(2024, 2, 3))  # no signal
        self.assertEqual(signing_dates(contract), {None})
        state = MigrationLoader(connection).project_state(("registry", "0028_contract_districts_signed_on"))
        districts.copy_signing_dates(apps=state.apps)
        self.assertEqual(signing_dates(contract), {datetime.date(2024, 2, 3)})

    def test_migration_0027_fills_existing_rows_with_its_historical_models(self):
        talent = Talent.objects.create(name="郑一", employer=self.org_zone)
        contract = self.contract(sellers=[self.org_b])
        Talent.objects.update(scope_division=None, scope_zone=None)
        TechContractDistrict.objects.all().delete()
        state = MigrationLoader(connection).project_state(("registry", "0027_stored_districts"))
        districts.refresh_all(state.apps)
        self.assertEqual(stored(talent), (self.division_b.pk, self.zone.pk))
        self.assertEqual(pairs(contract), {(self.division_b.pk, None)})


class SameScopeTests(StoredDistrictCase):
    def test_every_stored_path_stands_for_a_joined_path_and_none_is_left_out(self):
        # A talent's employer's district is kept on the talent, a contract's parties' on its district rows.
        def stored_form(path):
            path = path.replace("employer__division", "scope_division").replace("employer__zone", "scope_zone")
            for party in ("buyers__", "sellers__"):
                path = path.replace(party, "districts__") if path.startswith(party) else path
            return path

        for name, stored in access.STORED_PATHS.items():
            with self.subTest(name):
                self.assertEqual(set(stored), {stored_form(path) for path in access.DISTRICT_PATHS[name]})

    def test_the_stored_districts_give_the_records_the_joins_give(self):
        talents = [Talent.objects.create(name=f"人才{n}", employer=org) for n, org in enumerate(self.orgs())]
        Talent.objects.create(name="无单位")
        self.contract("甲乙", buyers=[self.org_a], sellers=[self.org_b])
        self.contract("园区", buyers=[self.org_zone])
        self.contract("无方")
        self.assertEqual(len(talents), 3)
        choices = [
            access.Districts(frozenset({self.division_a.pk}), frozenset()),
            access.Districts(frozenset({self.division_b.pk}), frozenset()),
            access.Districts(frozenset(), frozenset({self.zone.pk})),
            access.Districts(frozenset({self.division_a.pk}), frozenset({self.zone.pk})),
            access.NO_DISTRICTS,
        ]
        for found in choices:
            for model in (Talent, TechContract):
                with self.subTest(model=model.__name__, districts=found):
                    scoped = access.records_in(model.objects.all(), found)
                    self.assertEqual(set(scoped.values_list("pk", flat=True)), by_joins(model.objects.all(), found))
                    self.assertEqual(scoped.count(), len(set(scoped)))  # no row twice

    def orgs(self):
        return [self.org_a, self.org_b, self.org_zone]
