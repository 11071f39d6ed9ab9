"""`manage.py seed_scale` fills the database with valid, deterministic synthetic records."""

import re
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from registry import districts
from registry.models import Commissioner, Organization, Platform, Talent, TechContract, TechContractDistrict

CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def seed(**options):
    defaults = dict(talents=300, contracts=80, organizations=40, seed=7, batch_size=64)
    call_command("seed_scale", stdout=StringIO(), **{**defaults, **options})


def snapshot() -> dict:
    """Every seeded row by content (names instead of ids), in insertion order."""
    return {
        "organizations": list(
            Organization.objects.order_by("pk").values_list(
                "name", "kind", "division__code", "zone__name", "cluster__name"
            )
        ),
        "talents": list(
            Talent.objects.order_by("pk").values_list(
                "name",
                "gender",
                "degree",
                "title_level",
                "employer__name",
                "position",
                "research_fields",
                "tier__name",
                "introduction_mode",
                "introduced_on",
                "is_retired",
            )
        ),
        "contracts": [
            (
                c.registration_number,
                c.title,
                c.contract_type.name,
                c.contract_amount,
                c.transaction_amount,
                c.signed_on,
                c.registered_on,
                c.registrar.name,
                sorted(o.name for o in c.buyers.all()),
                sorted(o.name for o in c.sellers.all()),
            )
            for c in TechContract.objects.order_by("pk")
            .select_related("contract_type", "registrar")
            .prefetch_related("buyers", "sellers")
        ],
        "commissioners": list(
            Commissioner.objects.order_by("pk").values_list(
                "talent__name", "kind", "dispatching_unit__name", "term_start"
            )
        ),
        "platforms": list(Platform.objects.order_by("pk").values_list("name", "kind", "host__name", "opened_on")),
    }


def delete_seeded():
    for model in (Commissioner, Platform, TechContract, Talent, Organization):
        model.objects.all().delete()


class SeedScaleTests(TestCase):
    def test_creates_the_requested_numbers_of_records(self):
        seed()
        self.assertEqual(Talent.objects.count(), 300)
        self.assertEqual(TechContract.objects.count(), 80)
        self.assertEqual(Organization.objects.count(), 40)
        self.assertGreater(Commissioner.objects.count(), 0)
        self.assertGreater(Platform.objects.count(), 0)

    def test_records_are_valid_and_related(self):
        seed()
        org_ids = set(Organization.objects.values_list("pk", flat=True))
        for talent in Talent.objects.all():
            self.assertRegex(talent.name, CHINESE_NAME)
            self.assertIn(talent.employer_id, org_ids)
        for contract in TechContract.objects.prefetch_related("buyers", "sellers"):
            self.assertEqual(len(contract.sellers.all()), 1)
            self.assertIn(len(contract.buyers.all()), (1, 2))
            self.assertFalse({o.pk for o in contract.buyers.all()} & {o.pk for o in contract.sellers.all()})
            self.assertLessEqual(contract.transaction_amount, contract.contract_amount)
        # The models' own validation accepts the synthetic records.
        for model in (Organization, Talent, TechContract, Commissioner, Platform):
            for record in model.objects.all()[:30]:
                record.full_clean()

    def test_seeded_records_keep_their_districts_as_a_recount_gives_them(self):
        seed()
        talents = list(Talent.objects.order_by("pk").values_list("pk", "scope_division", "scope_zone"))
        contracts = set(TechContractDistrict.objects.values_list("contract", "division", "zone"))
        self.assertTrue(any(division for _pk, division, _zone in talents))
        self.assertTrue(contracts)
        districts.refresh_all()
        self.assertEqual(list(Talent.objects.order_by("pk").values_list("pk", "scope_division", "scope_zone")), talents)
        self.assertEqual(set(TechContractDistrict.objects.values_list("contract", "division", "zone")), contracts)

    def test_same_seed_gives_the_same_rows(self):
        seed()
        first = snapshot()
        delete_seeded()
        seed()
        self.assertEqual(snapshot(), first)
        self.assertEqual(len(first["talents"]), 300)

    def test_another_seed_gives_other_rows(self):
        seed(seed=7)
        first = snapshot()
        delete_seeded()
        seed(seed=8)
        self.assertNotEqual(snapshot()["talents"], first["talents"])

    def test_a_second_run_adds_records_with_unique_names(self):
        seed(talents=10, contracts=5)
        seed(talents=10, contracts=5)
        self.assertEqual(Organization.objects.count(), 80)
        self.assertEqual(Talent.objects.count(), 20)

    def test_writes_no_history_rows(self):
        seed(talents=20, contracts=5)
        self.assertEqual(Talent.history.count(), 0)
        self.assertEqual(TechContract.history.count(), 0)

    def test_rejects_bad_counts(self):
        for options in ({"talents": -1}, {"organizations": 0}, {"batch_size": 0}):
            with self.subTest(options=options), self.assertRaisesRegex(CommandError, "数量不能为负数"):
                seed(**options)
        self.assertEqual(Talent.objects.count(), 0)
