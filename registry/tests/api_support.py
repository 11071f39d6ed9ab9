"""Shared set-up for the API tests: keys, a client that sends them, and two districts of records."""

from __future__ import annotations

import datetime
import re

from django.core.cache import cache
from django.test import TestCase

from registry.api.keys import ApiKey
from registry.api.resources import KIND_NAMES
from registry.models import (
    DevelopmentZone,
    Division,
    Organization,
    Qualification,
    QualificationKind,
    Talent,
    Workstation,
    WorkstationMember,
)
from registry.tests.report_data import approve_all
from registry.tests.support import id_number

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ID_NUMBER_A = id_number("19800101", area="150102", sequence="123")
ID_NUMBER_B = id_number("19750505", area="150103", sequence="456")
PHONE_A = "13912340000"
EMAIL_A = "zhang.san@example.org"


def make_key(name="测试系统", kinds=KIND_NAMES, divisions=(), zones=(), all_districts=None, **fields):
    """A saved key and its token; city-wide unless divisions or zones are given."""
    if all_districts is None:
        all_districts = not divisions and not zones
    key = ApiKey(name=name, record_kinds=list(kinds), all_districts=all_districts, **fields)
    token = key.set_token()
    key.save()
    key.divisions.set(divisions)
    key.zones.set(zones)
    return key, token


class ApiTestCase(TestCase):
    """Two districts (A, B) with an organization, a talent with personal data and a workstation each.

    Workstation A has a member from district B (a relation crossing districts)."""

    division_a: Division
    division_b: Division
    org_a: Organization
    org_b: Organization
    org_zone: Organization
    talent_a: Talent
    talent_b: Talent
    workstation_a: Workstation
    workstation_b: Workstation
    zone: DevelopmentZone

    @classmethod
    def setUpTestData(cls):
        cls.division_a, cls.division_b = Division.objects.filter(in_hohhot=True, kind="district").order_by("code")[:2]
        cls.zone = DevelopmentZone.objects.order_by("pk")[0]
        cls.org_a = Organization.objects.create(name="甲区企业", division=cls.division_a, kind="enterprise")
        cls.org_b = Organization.objects.create(name="乙区大学", division=cls.division_b, kind="university")
        cls.org_zone = Organization.objects.create(name="园区企业", zone=cls.zone)
        cls.talent_a = Talent.objects.create(
            name="张三",
            employer=cls.org_a,
            id_number=ID_NUMBER_A,
            phone=PHONE_A,
            email=EMAIL_A,
            birth_date=datetime.date(1980, 1, 1),
            introduced_on=datetime.date(2023, 5, 1),
        )
        cls.talent_b = Talent.objects.create(
            name="李四", employer=cls.org_b, id_number=ID_NUMBER_B, phone="13800001111", email="li.si@example.org"
        )
        cls.workstation_a = Workstation.objects.create(name="甲区工作站", kind="academician_expert", host=cls.org_a)
        WorkstationMember.objects.create(workstation=cls.workstation_a, talent=cls.talent_b, role="academician")
        cls.workstation_b = Workstation.objects.create(name="乙区工作站", kind="academician_expert", host=cls.org_b)
        kind = QualificationKind.objects.order_by("pk").first()
        Qualification.objects.create(organization=cls.org_a, kind=kind, number="GR-A")
        Qualification.objects.create(organization=cls.org_b, kind=kind, number="GR-B")
        approve_all()  # the API reads approved records by default (test_api_review.py reads the others)

    def setUp(self):
        cache.clear()  # throttle counters

    def api(self, url, token=None, **extra):
        if token is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return self.client.get(url, **extra)

    def results(self, url, token=None, **extra):
        response = self.api(url, token, **extra)
        self.assertEqual(response.status_code, 200, response.content.decode())
        return response.json()["results"]

    def names(self, url, token=None, field="name"):
        return {row[field] for row in self.results(url, token)}

    def assert_error(self, response, status: int, code: str):
        self.assertEqual(response.status_code, status, response.content.decode())
        body = response.json()
        self.assertEqual((body["status"], body["code"]), (status, code))
        self.assertRegex(body["message"], CHINESE)
        return body
