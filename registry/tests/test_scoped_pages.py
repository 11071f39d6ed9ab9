"""A district clerk's contract list in its default order is paged from the district rows' index
(districts.PageKeys), and a talent list of a clerk of several districts from each district's range:
every page holds the rows plain OFFSET paging gives, each record once, and any filter, search or
other order goes back to Django's paging."""

import datetime
from typing import Any
from unittest import mock

from django.db import connection
from django.test import TestCase

from registry import access, districts, roles
from registry.admin.talents import TalentAdmin
from registry.admin.transfer import TechContractAdmin
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
from .admin_pages import admin_url

PER_PAGE = 4


class ScopedPagesTests(TestCase):
    home: Division
    other: Division
    zone: DevelopmentZone
    clerk: Any
    both: Any
    two: Any

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.other = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        cls.zone = DevelopmentZone.objects.order_by("pk")[0]
        home = Organization.objects.create(name="本区企业", division=cls.home)
        home_in_zone = Organization.objects.create(name="本区园区企业", division=cls.home, zone=cls.zone)
        other = Organization.objects.create(name="外区企业", division=cls.other)
        kind = ContractType.objects.order_by("pk")[0]
        days = [datetime.date(2024, 1, 1) + datetime.timedelta(days=n % 5) for n in range(15)] + [None, None]
        for number, day in enumerate(days):
            contract = TechContract.objects.create(title=f"合同{number}", contract_type=kind, signed_on=day)
            # Both parties in the home division (two district rows there), one party only, or none.
            parties = [[home, home_in_zone], [home], [other], [home_in_zone, other]][number % 4]
            contract.buyers.set(parties[:1])
            contract.sellers.set(parties[1:])
        cls.clerk = make_user("clerk", roles.DATA_ENTRY, divisions=[cls.home])
        cls.both = make_user("both", roles.DATA_ENTRY, divisions=[cls.home], zones=[cls.zone])
        cls.two = make_user("two", roles.DATA_ENTRY, divisions=[cls.home, cls.other])

    def setUp(self):
        patcher = mock.patch.object(TechContractAdmin, "list_per_page", PER_PAGE)
        patcher.start()
        self.addCleanup(patcher.stop)

    def expected(self, user) -> list[int]:
        """The user's contracts in the list's order, found through the joins of DISTRICT_PATHS."""
        scoped = access.scope_queryset(user, TechContract.objects.all())
        by_joins = TechContract.objects.filter(pk__in=scoped.values("pk")).order_by("-signed_on", "-id")
        return list(by_joins.values_list("pk", flat=True))

    def pages(self, user, query="") -> tuple[list[int], list[bool]]:
        """Every page's contract keys and whether the page was found from the index; the keys are
        checked against the list's whole queryset, in its order."""
        self.client.force_login(user)
        keys, keyed = [], []
        page = 1
        while True:
            response = self.client.get(f"{admin_url(TechContract, 'changelist')}?p={page}{query}")
            self.assertEqual(response.status_code, 200)
            changelist = response.context["cl"]
            keys += [contract.pk for contract in changelist.result_list]
            keyed.append(changelist.paginator.page_keys is not None)
            if page >= changelist.paginator.num_pages:
                self.assertEqual(keys, list(changelist.queryset.values_list("pk", flat=True)))
                return keys, keyed
            page += 1

    def test_every_page_of_a_district_holds_the_rows_offset_paging_gives(self):
        keys, keyed = self.pages(self.clerk)
        self.assertEqual(keys, self.expected(self.clerk))
        self.assertEqual(len(keys), len(set(keys)))  # a contract with two rows in the district once
        self.assertGreater(len(keyed), 2)
        self.assertTrue(all(keyed))

    def test_a_clerk_of_several_districts_sees_each_contract_once(self):
        # Merged from each district's own index range on PostgreSQL, one OR on SQLite.
        for user in (self.both, self.two):
            with self.subTest(user=user.username):
                keys, keyed = self.pages(user)
                self.assertEqual(keys, self.expected(user))
                self.assertTrue(all(keyed))

    def test_filters_searches_and_other_orders_page_as_django_does(self):
        for query in ("&q=合同1", "&signed_on__isnull=True", "&o=1", "&o=-8.1"):
            with self.subTest(query):
                keys, keyed = self.pages(self.clerk, query)
                self.assertFalse(any(keyed))
                self.assertTrue(keys)

    def test_superusers_page_as_django_does(self):
        chief = make_user("chief", superuser=True)
        keys, keyed = self.pages(chief)
        self.assertEqual(keys, list(TechContract.objects.order_by("-signed_on", "-id").values_list("pk", flat=True)))
        self.assertFalse(any(keyed))

    def test_a_changed_signing_date_moves_the_contract_on_the_district_pages(self):
        contract = TechContract.objects.filter(buyers__division=self.home, signed_on=None).first()
        self.assertIsNotNone(contract)
        contract.signed_on = datetime.date(2030, 1, 1)
        contract.save()
        self.assertEqual(
            set(TechContractDistrict.objects.filter(contract=contract).values_list("signed_on", flat=True)),
            {datetime.date(2030, 1, 1)},
        )
        keys, _keyed = self.pages(self.clerk)
        undated = set(TechContract.objects.filter(signed_on=None).values_list("pk", flat=True))
        # Newest first; where contracts without a date go is the database's (first on PostgreSQL).
        self.assertEqual([pk for pk in keys if pk not in undated][0], contract.pk)
        self.assertEqual(keys, self.expected(self.clerk))

    def test_page_keys_of_no_district_are_none(self):
        self.assertEqual(districts.contract_page_keys(access.NO_DISTRICTS, 0, PER_PAGE), [])


class ScopedTalentPagesTests(TestCase):
    """A talent keeps its district, so one district's page is an index range already; a clerk of
    several districts gets the districts' ranges merged in order (districts.talent_page_keys, on
    PostgreSQL; SQLite pages as Django does)."""

    home: Division
    other: Division
    zone: DevelopmentZone

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.other, third = Division.objects.filter(in_hohhot=True).order_by("code")[:3]
        cls.zone = DevelopmentZone.objects.order_by("pk")[0]
        employers = [
            Organization.objects.create(name="本区单位", division=cls.home),
            Organization.objects.create(name="本区园区单位", division=cls.home, zone=cls.zone),
            Organization.objects.create(name="外区园区单位", division=cls.other, zone=cls.zone),
            Organization.objects.create(name="第三区单位", division=third),
        ]
        # Names whose pinyin order differs from code-point order, some shared by several talents.
        names = ["张三", "李四", "王五", "赵六", "阿七", "李四", "钱八", "孙九", "周十"]
        for number in range(26):
            Talent.objects.create(name=names[number % len(names)], employer=employers[number % 4])

    def setUp(self):
        patcher = mock.patch.object(TalentAdmin, "list_per_page", PER_PAGE)
        patcher.start()
        self.addCleanup(patcher.stop)

    def pages(self, user) -> tuple[list[int], list[bool]]:
        """Every page's talent keys, checked against the list's whole queryset, and whether each
        page's keys came from the merged ranges."""
        self.client.force_login(user)
        keys, merged, page = [], [], 1
        while True:
            response = self.client.get(f"{admin_url(Talent, 'changelist')}?p={page}")
            self.assertEqual(response.status_code, 200)
            changelist = response.context["cl"]
            keys += [talent.pk for talent in changelist.result_list]
            paginator = changelist.paginator
            merged.append(paginator.page_keys is not None and paginator.page_keys(0, PER_PAGE) is not None)
            if page >= paginator.num_pages:
                self.assertEqual(keys, list(changelist.queryset.values_list("pk", flat=True)))
                return keys, merged
            page += 1

    def expected(self, user) -> list[int]:
        scoped = access.scope_queryset(user, Talent.objects.all())
        return list(Talent.objects.filter(pk__in=scoped.values("pk")).values_list("pk", flat=True))

    def test_a_clerk_of_several_districts_sees_every_talent_once_in_pinyin_order(self):
        on_postgres = connection.vendor == "postgresql"
        for user in (
            make_user("two", roles.DATA_ENTRY, divisions=[self.home, self.other]),
            make_user("both", roles.DATA_ENTRY, divisions=[self.home], zones=[self.zone]),
            make_user("zones", roles.DATA_ENTRY, divisions=[self.other], zones=[self.zone]),
        ):
            with self.subTest(user=user.username):
                keys, merged = self.pages(user)
                self.assertEqual(keys, self.expected(user))
                self.assertEqual(len(keys), len(set(keys)))  # a talent of a clerk's division and zone once
                self.assertGreater(len(merged), 2)
                self.assertEqual(merged, [on_postgres] * len(merged))

    def test_one_district_pages_as_django_does(self):
        clerk = make_user("clerk", roles.DATA_ENTRY, divisions=[self.home])
        keys, merged = self.pages(clerk)
        self.assertEqual(keys, self.expected(clerk))
        self.assertFalse(any(merged))
