"""A key (or a staff member) scoped to a district never reads another district's records: not in
lists, details, filters, search, nested relations, cursors or the dashboard; personal data is
masked unless the key or the user may see it."""

from django.test import override_settings

from registry import roles
from registry.api.keys import ApiKey
from registry.models import Policy, TechContract
from registry.tests.api_support import EMAIL_A, ID_NUMBER_A, ID_NUMBER_B, PHONE_A, ApiTestCase, make_key
from registry.tests.review_support import approved
from registry.tests.support import RecordFactory, make_user

TALENTS = "/api/v1/talents/"


class DistrictScopeTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.key, self.token = make_key(divisions=[self.division_a])

    def test_lists_hold_only_the_keys_districts(self):
        self.assertEqual(self.names(TALENTS, self.token), {"张三"})
        self.assertEqual(self.names("/api/v1/organizations/", self.token), {"甲区企业"})
        self.assertEqual(self.names("/api/v1/workstations/", self.token), {"甲区工作站"})

    def test_another_districts_record_is_not_found(self):
        for url in (
            f"{TALENTS}{self.talent_b.pk}/",
            f"/api/v1/organizations/{self.org_b.pk}/",
            f"/api/v1/workstations/{self.workstation_b.pk}/",
        ):
            self.assert_error(self.api(url, self.token), 404, "not_found")
        self.assertEqual(self.api(f"{TALENTS}{self.talent_a.pk}/", self.token).status_code, 200)

    def test_filters_narrow_the_scope_and_never_widen_it(self):
        self.assertEqual(self.results(f"{TALENTS}?district={self.division_b.pk}", self.token), [])
        self.assertEqual(self.results(f"{TALENTS}?district={self.division_b.code}", self.token), [])
        self.assertEqual(self.results(f"{TALENTS}?zone={self.zone.pk}", self.token), [])
        self.assertEqual(self.names(f"{TALENTS}?district={self.division_a.code}", self.token), {"张三"})
        self.assertEqual(self.results("/api/v1/organizations/?kind=university", self.token), [])
        self.assertEqual(self.results("/api/v1/organizations/?kind=高等院校", self.token), [])
        self.assertEqual(self.names("/api/v1/organizations/?kind=企业", self.token), {"甲区企业"})

    def test_search_finds_nothing_outside_the_scope(self):
        self.assertEqual(self.results(f"{TALENTS}?search=李四", self.token), [])
        self.assertEqual(self.results(f"{TALENTS}?search=乙区大学", self.token), [])
        self.assertEqual(self.names(f"{TALENTS}?search=甲区企业", self.token), {"张三"})

    def test_lookups_into_other_records_are_not_parameters(self):
        for query in (f"employer={self.org_b.pk}", f"employer__division={self.division_b.pk}", "name=李四"):
            self.assert_error(self.api(f"{TALENTS}?{query}", self.token), 400, "invalid_parameter")
        self.assert_error(self.api(f"{TALENTS}?ordering=name", self.token), 400, "invalid_parameter")

    def test_nested_relations_name_other_districts_records_without_their_data(self):
        (workstation,) = self.results("/api/v1/workstations/", self.token)
        (member,) = workstation["members"]
        self.assertEqual(member["talent"], {"id": self.talent_b.pk, "name": "李四 / 乙区大学"})
        self.assertNotIn(ID_NUMBER_B, str(workstation))
        self.assertNotIn("13800001111", str(workstation))
        # ...and the related record itself stays out of reach.
        self.assert_error(self.api(f"{TALENTS}{self.talent_b.pk}/", self.token), 404, "not_found")

    def test_nested_parts_are_the_records_own(self):
        (organization,) = self.results("/api/v1/organizations/", self.token)
        self.assertEqual([q["number"] for q in organization["qualifications"]], ["GR-A"])

    def test_a_contract_of_two_districts_is_read_by_both(self):
        contract_type = RecordFactory().shared(TechContract._meta.get_field("contract_type").related_model)
        contract = approved(TechContract.objects.create(title="跨区合同", contract_type=contract_type))
        contract.buyers.set([self.org_b])
        contract.sellers.set([self.org_a])
        _key_b, token_b = make_key(divisions=[self.division_b])
        for token in (self.token, token_b):
            (row,) = self.results("/api/v1/tech-contracts/", token)
            self.assertEqual(row["sellers"], [{"id": self.org_a.pk, "name": "甲区企业"}])
        _key_zone, token_zone = make_key(zones=[self.zone])
        self.assertEqual(self.results("/api/v1/tech-contracts/", token_zone), [])

    def test_a_key_without_districts_reads_no_district_records(self):
        key, token = make_key(all_districts=False)
        self.assertFalse(key.divisions.exists())
        self.assertEqual(self.results(TALENTS, token), [])
        self.assertEqual(self.results("/api/v1/organizations/", token), [])

    def test_city_wide_lists_are_shared(self):
        Policy.objects.create(title="科技政策")
        self.assertEqual(self.names("/api/v1/policies/", self.token, field="title"), {"科技政策"})

    def test_a_zone_key_reads_its_zone(self):
        _key, token = make_key(zones=[self.zone])
        self.assertEqual(self.names("/api/v1/organizations/", token), {"园区企业"})

    def test_dashboard_counts_only_the_scope(self):
        body = self.api("/api/v1/dashboard/", self.token).json()
        talents = body["sections"][0]["breakdowns"][0]["total"]
        self.assertEqual(talents["count"], 1)
        _city, city_token = make_key()
        body = self.api("/api/v1/dashboard/", city_token).json()
        self.assertEqual(body["sections"][0]["breakdowns"][0]["total"]["count"], 2)

    def test_changing_the_keys_districts_takes_effect_at_once(self):
        self.assertEqual(self.names(TALENTS, self.token), {"张三"})
        ApiKey.objects.get(pk=self.key.pk).divisions.set([self.division_b])
        self.assertEqual(self.names(TALENTS, self.token), {"李四"})

    def test_a_cursor_from_a_city_wide_key_does_not_widen_a_scoped_one(self):
        _city, city_token = make_key()
        first = self.api(f"{TALENTS}?page_size=1", city_token).json()
        cursor_url = first["next"]
        self.assertIsNotNone(cursor_url)
        response = self.client.get(cursor_url, HTTP_AUTHORIZATION=f"Bearer {self.token}")
        self.assertEqual([row["name"] for row in response.json()["results"]], [])


class PersonalDataTests(ApiTestCase):
    PERSONAL = {"id_number": ID_NUMBER_A, "phone": PHONE_A, "email": EMAIL_A, "birth_date": "1980-01-01"}

    def talent(self, token=None):
        return self.api(f"{TALENTS}{self.talent_a.pk}/", token).json()

    def test_masked_for_a_key_without_personal_data(self):
        _key, token = make_key()
        row = self.talent(token)
        self.assertEqual(row["id_number"], "1501**********" + ID_NUMBER_A[-4:])
        self.assertEqual(row["phone"], "139****0000")
        self.assertEqual(row["email"], "z***@example.org")
        self.assertEqual(row["birth_date"], "****-**-**")
        listing = str(self.results(TALENTS, token))
        for value in self.PERSONAL.values():
            self.assertNotIn(value, listing)

    def test_in_full_for_a_key_with_personal_data(self):
        _key, token = make_key(personal_data=True)
        row = self.talent(token)
        self.assertEqual({name: row[name] for name in self.PERSONAL}, self.PERSONAL)

    def test_staff_follow_their_own_permission(self):
        self.client.force_login(make_user(roles.REVIEWER, username="reader"))
        self.assertEqual(self.talent()["phone"], "139****0000")
        self.client.force_login(make_user(roles.REVIEWER, roles.PERSONAL_DATA, username="trusted"))
        self.assertEqual(self.talent()["phone"], PHONE_A)

    def test_personal_values_are_no_search_key_without_the_right(self):
        _key, token = make_key()
        for value in (ID_NUMBER_A, PHONE_A, EMAIL_A, ID_NUMBER_A[:6]):
            self.assertEqual(self.results(f"{TALENTS}?search={value}", token), [], value)
        _trusted, trusted_token = make_key(personal_data=True)
        self.assertEqual(self.names(f"{TALENTS}?search={ID_NUMBER_A}", trusted_token), {"张三"})

    def test_personal_fields_are_no_filter_or_ordering(self):
        _key, token = make_key(personal_data=True)
        for query in (f"id_number={ID_NUMBER_A}", "phone=139", "birth_date=1980-01-01", "ordering=birth_date"):
            self.assert_error(self.api(f"{TALENTS}?{query}", token), 400, "invalid_parameter")

    def test_schema_marks_personal_fields_as_text(self):
        _key, token = make_key()
        schema = self.api("/api/schema/?format=json", token).json()
        talent = schema["components"]["schemas"]["Talent"]["properties"]
        self.assertEqual(talent["birth_date"]["type"], "string")
        self.assertNotIn("format", talent["birth_date"])


@override_settings(API_THROTTLE_RATE="1000/minute")
class StaffScopeTests(ApiTestCase):
    def test_a_scoped_clerk_reads_only_their_district_through_every_door(self):
        self.client.force_login(make_user(roles.DATA_ENTRY, username="clerk_b", scope=[self.division_b]))
        self.assertEqual(self.names(TALENTS), {"李四"})
        self.assertEqual(self.results(f"{TALENTS}?district={self.division_a.pk}"), [])
        self.assertEqual(self.results(f"{TALENTS}?search=张三"), [])
        self.assertEqual(self.api(f"/api/v1/workstations/{self.workstation_a.pk}/").status_code, 404)
        body = self.api("/api/v1/dashboard/").json()
        self.assertEqual(body["sections"][0]["breakdowns"][0]["total"]["count"], 1)


class HostileQueryTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        _key, self.token = make_key(divisions=[self.division_a])

    def test_oversized_or_repeated_parameters_are_refused(self):
        for query in (
            "search=" + "张" * 101,
            "search=" + "+".join(["甲"] * 6),
            f"district={self.division_a.pk}&district={self.division_b.pk}",
            "district=" + "9" * 40,
            "district=-1",
            "zone=abc",
            "year=20240",
            "updated_since=yesterday",
            "kind=" + "x" * 500,
        ):
            body = self.assert_error(self.api(f"{TALENTS}?{query}", self.token), 400, "invalid_parameter")
            self.assertNotIn("x" * 101, body["message"])  # values are echoed shortened

    def test_a_district_that_does_not_exist_is_named(self):
        body = self.assert_error(self.api(f"{TALENTS}?district=999999", self.token), 400, "invalid_parameter")
        self.assertEqual(body["parameter"], "district")
