"""Review on the admin screens, used as a district clerk, as reviewers and as a superuser."""

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from registry import review
from registry.models import (
    Organization,
    Qualification,
    QualificationKind,
    ReviewStatus,
    ServiceRecord,
    Talent,
    Workstation,
    WorkstationMember,
)
from registry.tests.admin_pages import admin_url, form_data
from registry.tests.review_support import YUQUAN, approved, review_cast, service_record, set_status

SUBMITTED, APPROVED, RETURNED = ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, ReviewStatus.RETURNED


class ReviewScreensTest(TestCase):
    users: dict[str, Any]

    @classmethod
    def setUpTestData(cls):
        cls.users = review_cast()

    def setUp(self):
        cache.clear()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        self.record = service_record()

    def as_user(self, name):
        self.client.force_login(self.users[name])

    def state(self, record=None):
        return ServiceRecord.objects.get(pk=(record or self.record).pk).review_status

    def press(self, action, opinion="", record=None):
        """Press a review button on the record's page; returns the messages shown afterwards."""
        record = record or self.record
        response = self.client.post(
            admin_url(ServiceRecord, "review", record.pk), {"review_action": action, "opinion": opinion}, follow=True
        )
        self.assertEqual(response.status_code, 200)
        return [str(message) for message in response.context["messages"]]

    def change_page(self, record=None):
        return self.client.get(admin_url(ServiceRecord, "change", (record or self.record).pk))

    # --- a record's page

    def test_clerk_sees_a_draft_with_the_submit_button_and_submits(self):
        self.as_user("clerk")
        page = self.change_page()
        self.assertContains(page, 'id="review-status">草稿<')
        self.assertContains(page, 'value="submit"')
        self.assertNotContains(page, 'value="approve"')
        self.assertContains(page, 'name="_save"')
        self.press("submit")
        self.assertEqual(self.state(), SUBMITTED)
        page = self.change_page()
        self.assertContains(page, 'id="review-status">待审核<')
        self.assertContains(page, "提交审核")  # in the timeline
        self.assertNotContains(page, 'name="_save"')
        response = self.client.post(admin_url(ServiceRecord, "change", self.record.pk), form_data(page, place="改"))
        self.assertEqual(response.status_code, 403)

    def test_new_records_entered_in_the_admin_are_drafts(self):
        self.as_user("clerk")
        add = admin_url(ServiceRecord, "add")
        data = form_data(
            self.client.get(add), title="科技下乡", kind="training", commissioner=self.record.commissioner_id
        )
        self.assertEqual(self.client.post(add, data).status_code, 302)
        self.assertEqual(ServiceRecord.objects.get(title="科技下乡").review_status, ReviewStatus.DRAFT)

    def test_reviewer_approves_with_the_button_clerk_cannot(self):
        set_status(self.record, SUBMITTED)
        self.as_user("clerk")
        self.assertNotContains(self.change_page(), 'value="approve"')
        self.assertIn("您无权审核服务记录。", self.press("approve"))
        self.assertEqual(self.state(), SUBMITTED)
        self.as_user("reviewer")
        page = self.change_page()
        self.assertContains(page, 'value="approve"')
        self.assertContains(page, 'value="send_back"')
        self.press("approve", "照片与确认书齐全")
        self.assertEqual(self.state(), APPROVED)
        self.assertContains(self.change_page(), "照片与确认书齐全")

    def test_four_eyes_on_the_page_of_a_superuser(self):
        self.as_user("admin")
        self.press("submit")
        page = self.change_page()
        self.assertNotContains(page, 'value="approve"')
        self.assertContains(page, "四眼原则")
        self.assertIn("四眼原则", "".join(self.press("approve")))
        self.assertEqual(self.state(), SUBMITTED)

    def test_send_back_needs_an_opinion_and_the_clerk_sees_it(self):
        set_status(self.record, SUBMITTED)
        self.as_user("reviewer")
        self.assertTrue(any("须填写意见" in message for message in self.press("send_back", "  ")))
        self.assertEqual(self.state(), SUBMITTED)
        self.press("send_back", "缺少服务确认书")
        self.assertEqual(self.state(), RETURNED)
        self.as_user("clerk")
        page = self.change_page()
        self.assertContains(page, 'id="review-opinion-shown"')
        self.assertContains(page, "缺少服务确认书")
        response = self.client.post(
            admin_url(ServiceRecord, "change", self.record.pk), form_data(page, place="保合少镇")
        )
        self.assertEqual(response.status_code, 302)
        self.press("submit")
        self.assertEqual(self.state(), SUBMITTED)

    def test_reviewer_reopens_an_approved_record_with_a_reason(self):
        approved(self.record)
        self.as_user("reviewer")
        self.assertContains(self.change_page(), 'value="reopen"')
        self.press("reopen", "数据有误")
        self.assertEqual(self.state(), RETURNED)

    def test_approved_record_is_read_only_for_data_entry_and_superusers(self):
        approved(self.record)
        for name in ("clerk", "admin"):
            with self.subTest(user=name):
                self.as_user(name)
                page = self.change_page()
                self.assertEqual(page.status_code, 200)
                self.assertNotContains(page, 'name="_save"')
                response = self.client.post(admin_url(ServiceRecord, "change", self.record.pk), {"title": "改"})
                self.assertEqual(response.status_code, 403)

    def test_other_district_sees_neither_the_record_nor_its_buttons(self):
        set_status(self.record, SUBMITTED)
        for name in ("other_reviewer", "other_clerk"):
            with self.subTest(user=name):
                self.as_user(name)
                self.assertEqual(self.change_page().status_code, 302)  # "does not exist", back to the index
                response = self.client.post(
                    admin_url(ServiceRecord, "review", self.record.pk), {"review_action": "approve"}
                )
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.state(), SUBMITTED)

    def test_review_address_takes_posts_only(self):
        self.as_user("reviewer")
        self.assertEqual(self.client.get(admin_url(ServiceRecord, "review", self.record.pk)).status_code, 405)

    # --- history revert

    def test_approved_record_cannot_be_reverted_to_an_old_version(self):
        record = ServiceRecord.objects.get(pk=self.record.pk)
        record.place = "第二版"
        record.save()
        approved(self.record)
        first = self.record.history.earliest()
        url = reverse("admin:registry_servicerecord_simple_history", args=(self.record.pk, first.history_id))
        for name in ("clerk", "admin"):
            with self.subTest(user=name):
                self.as_user(name)
                page = self.client.get(url)
                self.assertFalse(page.context["allowed"])
                self.assertIn("已通过", page.context["refusal"])
                response = self.client.post(url)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(ServiceRecord.objects.get(pk=self.record.pk).place, "第二版")
        self.assertEqual(self.state(), APPROVED)

    # --- lists, filters and bulk actions

    def changelist(self, **params):
        return self.client.get(admin_url(ServiceRecord, "changelist"), params)

    def test_list_shows_the_state_and_filters_by_it(self):
        set_status(service_record(title="待审一"), SUBMITTED)
        self.as_user("reviewer")
        page = self.changelist(review_status__exact="submitted")
        self.assertEqual([r.title for r in page.context["cl"].result_list], ["待审一"])
        self.assertContains(page, "审核状态")
        self.assertContains(page, 'class="registry-review registry-review-submitted"')

    def test_bulk_actions_offered_by_role(self):
        for name, offered, hidden in (
            ("clerk", ["submit_selected"], ["approve_selected", "send_back_selected"]),
            ("reviewer", ["approve_selected", "send_back_selected"], ["submit_selected"]),
        ):
            self.as_user(name)
            page = self.changelist().content.decode()
            with self.subTest(user=name):
                for action in offered:
                    self.assertIn(f'value="{action}"', page)
                for action in hidden:
                    self.assertNotIn(f'value="{action}"', page)

    def bulk(self, action, records, **extra):
        data = {"action": action, "_selected_action": [r.pk for r in records], **extra}
        return self.client.post(admin_url(ServiceRecord, "changelist"), data, follow=True)

    def test_bulk_submit_checks_each_record(self):
        approved_one = approved(service_record(title="已通过的"))
        self.as_user("clerk")
        response = self.bulk("submit_selected", [self.record, approved_one])
        shown = [str(m) for m in response.context["messages"]]
        self.assertIn("提交审核：1 条记录。", shown)
        self.assertTrue(any("已通过的" in m and "只有草稿" in m for m in shown))
        self.assertEqual(self.state(), SUBMITTED)

    def test_bulk_approve_asks_once_then_checks_each_record_and_lists_refusals(self):
        self.as_user("clerk")
        self.press("submit")  # submitted by the clerk
        draft = service_record(title="还是草稿")
        own = service_record(title="管理员提交的")
        self.as_user("admin")
        self.press("submit", record=own)
        confirm = self.bulk("approve_selected", [self.record, draft, own])
        self.assertTemplateUsed(confirm, "registry/review/bulk_opinion.html")
        self.assertEqual(self.state(), SUBMITTED)
        done = self.bulk("approve_selected", [self.record, draft, own], review_confirmed="1", opinion="同意")
        shown = [str(m) for m in done.context["messages"]]
        self.assertIn("通过：1 条记录。", shown)
        self.assertTrue(any("还是草稿" in m for m in shown))
        self.assertTrue(any("管理员提交的" in m and "四眼原则" in m for m in shown))
        self.assertEqual((self.state(), self.state(draft), self.state(own)), (APPROVED, ReviewStatus.DRAFT, SUBMITTED))
        self.assertEqual(review.steps(self.record).last().opinion, "同意")

    def test_bulk_send_back_needs_one_opinion_for_all(self):
        second = set_status(service_record(title="第二条"), SUBMITTED)
        set_status(self.record, SUBMITTED)
        self.as_user("reviewer")
        again = self.bulk("send_back_selected", [self.record, second], review_confirmed="1", opinion="")
        self.assertTemplateUsed(again, "registry/review/bulk_opinion.html")
        self.assertTrue(again.context["form"].errors)
        self.assertEqual((self.state(), self.state(second)), (SUBMITTED, SUBMITTED))
        self.bulk("send_back_selected", [self.record, second], review_confirmed="1", opinion="请补充照片")
        self.assertEqual((self.state(), self.state(second)), (RETURNED, RETURNED))
        self.assertEqual(set(review.steps(second).values_list("opinion", flat=True)), {"请补充照片"})

    def test_bulk_approve_by_a_clerk_is_refused(self):
        set_status(self.record, SUBMITTED)
        self.as_user("clerk")
        self.bulk("approve_selected", [self.record], review_confirmed="1", opinion="")
        self.assertEqual(self.state(), SUBMITTED)

    def test_bulk_approve_skips_records_of_other_districts(self):
        elsewhere = set_status(service_record(YUQUAN, title="玉泉记录"), SUBMITTED)
        set_status(self.record, SUBMITTED)
        self.as_user("reviewer")
        self.bulk("approve_selected", [self.record, elsewhere], review_confirmed="1")
        self.assertEqual((self.state(), self.state(elsewhere)), (APPROVED, SUBMITTED))

    # --- the queue

    def test_queue_is_linked_from_every_page_with_its_count(self):
        set_status(self.record, SUBMITTED)
        set_status(service_record(YUQUAN, title="玉泉记录"), SUBMITTED)
        self.as_user("reviewer")
        for url in (
            reverse("admin:index"),
            admin_url(Talent, "changelist"),
            admin_url(ServiceRecord, "change", self.record.pk),
        ):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), 'id="review-queue-link" href="/admin/review/">待审核 (1)</a>')
        page = self.client.get(reverse("admin:registry_review_queue"))
        self.assertContains(page, 'id="review-queue-total">待审核 (1)</h2>')
        self.assertContains(page, "田间指导")
        self.assertNotContains(page, "玉泉记录")
        self.as_user("city_reviewer")
        self.assertContains(self.client.get(reverse("admin:index")), "待审核 (2)")

    def test_queue_shows_the_clerk_the_records_sent_back_with_the_opinion(self):
        set_status(self.record, SUBMITTED)
        review.send_back(self.record, self.users["reviewer"], "补充现场照片")
        self.as_user("clerk")
        self.assertContains(self.client.get(reverse("admin:index")), 'id="review-returned-link"')
        page = self.client.get(reverse("admin:registry_review_queue"))
        self.assertContains(page, "补充现场照片")
        self.assertNotContains(page, 'id="review-queue-total"')

    def test_queue_is_closed_to_users_who_neither_review_nor_enter(self):
        from registry.tests.access_support import make_user

        self.client.force_login(make_user("nobody"))
        self.assertEqual(self.client.get(reverse("admin:registry_review_queue")).status_code, 403)


class ReviewedPartsAndInlinesTest(TestCase):
    users: dict[str, Any]

    @classmethod
    def setUpTestData(cls):
        cls.users = review_cast()

    def setUp(self):
        cache.clear()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        self.record = service_record()
        self.host = Organization.objects.get(name="新城区农业合作社")
        self.station = Workstation.objects.create(name="新城区工作站", kind="enterprise_commissioner", host=self.host)

    def test_a_member_cannot_join_an_approved_workstation(self):
        approved(self.station)
        self.client.force_login(self.users["clerk"])
        add = admin_url(WorkstationMember, "add")
        data = form_data(
            self.client.get(add), workstation=self.station.pk, talent=Talent.objects.first().pk, role="expert"
        )
        response = self.client.post(add, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "已通过审核")
        self.assertFalse(WorkstationMember.objects.exists())

    def test_members_of_an_approved_workstation_are_read_only(self):
        member = WorkstationMember.objects.create(workstation=self.station, talent=Talent.objects.get())
        approved(self.station)
        self.client.force_login(self.users["clerk"])
        page = self.client.get(admin_url(WorkstationMember, "change", member.pk))
        self.assertNotContains(page, 'name="_save"')
        self.assertNotContains(self.client.get(admin_url(Workstation, "change", self.station.pk)), 'name="_save"')

    def test_a_reviewed_record_shown_inline_elsewhere_is_read_only_there(self):
        kind = QualificationKind.objects.get(name="高新技术企业")
        qualification = approved(Qualification.objects.create(organization=self.host, kind=kind, number="GR1"))
        self.client.force_login(self.users["admin"])
        page = self.client.get(admin_url(Organization, "change", self.host.pk))
        self.assertNotContains(page, 'name="qualifications-0-number"')
        self.assertContains(page, admin_url(Qualification, "change", qualification.pk))
        self.assertContains(page, 'name="qualifications-__prefix__-number"')  # new ones may still be added
