"""The API serves approved records (已通过) unless the caller asks for other review states and may read
them: a key with “may read records not yet approved”, or staff with their own scope."""

from registry import roles
from registry.models import Qualification, ReviewStatus, Talent
from registry.tests.api_support import ApiTestCase, make_key
from registry.tests.review_support import set_status
from registry.tests.support import make_user

TALENTS = "/api/v1/talents/"


class ApprovedOnlyTests(ApiTestCase):
    draft: Talent
    submitted: Talent
    returned: Talent

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.draft = Talent.objects.create(name="草稿人", employer=cls.org_a)
        cls.submitted = set_status(Talent.objects.create(name="待审人", employer=cls.org_a), ReviewStatus.SUBMITTED)
        cls.returned = set_status(Talent.objects.create(name="退回人", employer=cls.org_b), ReviewStatus.RETURNED)

    def setUp(self):
        super().setUp()
        self.key, self.token = make_key()
        self.pending_key, self.pending_token = make_key(name="可读待审", include_pending=True)

    def test_a_key_reads_approved_records_only(self):
        self.assertEqual(self.names(TALENTS, self.token), {"张三", "李四"})
        self.assert_error(self.api(f"{TALENTS}{self.draft.pk}/", self.token), 404, "not_found")
        self.assertEqual(self.api(f"{TALENTS}{self.talent_a.pk}/", self.token).status_code, 200)

    def test_each_record_says_its_review_state(self):
        row = self.api(f"{TALENTS}{self.talent_a.pk}/", self.token).json()
        self.assertEqual(row["review_status"], {"code": "approved", "label": "已通过"})
        (division,) = self.results(f"/api/v1/divisions/?search={self.division_a.name}", self.token)
        self.assertNotIn("review_status", division)

    def test_asking_for_other_states_needs_a_key_that_may_read_them(self):
        for query in ("review_status=submitted", "review_status=all", "review_status=approved,draft"):
            with self.subTest(query=query):
                body = self.assert_error(self.api(f"{TALENTS}?{query}", self.token), 403, "permission_denied")
                self.assertIn("已通过", body["message"])
        # Asking for approved records is what the key reads anyway.
        self.assertEqual(self.names(f"{TALENTS}?review_status=已通过", self.token), {"张三", "李四"})

    def test_a_key_that_may_read_pending_records_chooses_the_states(self):
        self.assertEqual(self.names(TALENTS, self.pending_token), {"张三", "李四"})  # the default stays approved
        self.assertEqual(self.names(f"{TALENTS}?review_status=submitted", self.pending_token), {"待审人"})
        self.assertEqual(self.names(f"{TALENTS}?review_status=草稿,已退回", self.pending_token), {"草稿人", "退回人"})
        self.assertEqual(
            self.names(f"{TALENTS}?review_status=all", self.pending_token),
            {"张三", "李四", "草稿人", "待审人", "退回人"},
        )
        detail = self.api(f"{TALENTS}{self.draft.pk}/?review_status=draft", self.pending_token)
        self.assertEqual(detail.json()["review_status"]["label"], "草稿")

    def test_an_unknown_state_is_refused_naming_the_choices(self):
        body = self.assert_error(
            self.api(f"{TALENTS}?review_status=done", self.pending_token), 400, "invalid_parameter"
        )
        self.assertEqual(body["parameter"], "review_status")
        self.assertIn("已通过", body["message"])
        self.assertIn("done", body["message"])

    def test_models_without_review_do_not_take_the_parameter(self):
        response = self.api("/api/v1/divisions/?review_status=all", self.pending_token)
        self.assert_error(response, 400, "invalid_parameter")

    def test_reviewed_parts_follow_the_lists_states(self):
        kind = Qualification.objects.order_by("pk").first().kind
        Qualification.objects.create(organization=self.org_a, kind=kind, number="GR-DRAFT")
        url = f"/api/v1/organizations/{self.org_a.pk}/"
        approved_only = self.api(url, self.pending_token).json()
        self.assertEqual([row["number"] for row in approved_only["qualifications"]], ["GR-A"])
        every_state = self.api(f"{url}?review_status=all", self.pending_token).json()
        self.assertEqual([row["number"] for row in every_state["qualifications"]], ["GR-A", "GR-DRAFT"])

    def test_staff_read_other_states_within_their_scope(self):
        clerk = make_user(roles.DATA_ENTRY, username="clerk_a", scope=[self.division_a])
        self.client.force_login(clerk)
        self.assertEqual(self.names(TALENTS), {"张三"})
        self.assertEqual(self.names(f"{TALENTS}?review_status=all"), {"张三", "草稿人", "待审人"})  # not 退回人 (B)

    def test_the_dashboard_counts_approved_records(self):
        def talents_total(token):
            body = self.api("/api/v1/dashboard/", token).json()
            (section,) = [section for section in body["sections"] if section["title"] == "人才"]
            return section["breakdowns"][0]["total"]["count"]

        self.assertEqual(talents_total(self.token), 2)
        Talent.objects.filter(pk=self.draft.pk).update(review_status=ReviewStatus.APPROVED)
        self.assertEqual(talents_total(self.token), 3)
