"""Technology contract registration (registry/registration.py): 待登记 → 已登记 / 不予登记, 已登记 → 已变更 /
已注销; the seller's district registers, approved contracts only, four eyes, the expert-review flag, and
the same rules on the contract's page and in imports."""

import datetime
import importlib
import threading
from decimal import Decimal
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.test import TestCase, TransactionTestCase, override_settings, skipUnlessDBFeature
from django.utils import timezone, translation

from registry import history, registration, roles
from registry.importing import service
from registry.models import (
    AuditEvent,
    ContractRegistration,
    ContractType,
    Organization,
    RegistrationStatus,
    ReviewStatus,
    TechContract,
)
from registry.registration import Registration
from registry.tests.access_support import make_user
from registry.tests.impexp_support import csv_text
from registry.tests.review_support import XINCHENG, YUQUAN, division, load_reference_data, set_status

ADMIN = "/" + settings.ADMIN_URL
SIGNED = datetime.date(2024, 3, 1)
PENDING, REGISTERED, REFUSED, CHANGED, CANCELLED = (
    RegistrationStatus.PENDING,
    RegistrationStatus.REGISTERED,
    RegistrationStatus.REFUSED,
    RegistrationStatus.CHANGED,
    RegistrationStatus.CANCELLED,
)


def organization(code, name):
    return Organization.objects.get_or_create(name=name, defaults={"division": division(code), "kind": "enterprise"})[0]


def registration_cast():
    return {
        "registrar": make_user("xc_registrar", roles.REGISTRAR, divisions=[division(XINCHENG)]),
        "buyer_registrar": make_user("yq_registrar", roles.REGISTRAR, divisions=[division(YUQUAN)]),
        "city_registrar": make_user("city_registrar", roles.REGISTRAR),
        "clerk": make_user("xc_clerk", roles.DATA_ENTRY, divisions=[division(XINCHENG)]),
        "reviewer": make_user("xc_reviewer", roles.REVIEWER, divisions=[division(XINCHENG)]),
    }


def contract(title="牧草种子技术转让", status=ReviewStatus.APPROVED, **fields):
    """A contract sold by a 新城区 enterprise to a 玉泉区 one, in review state `status`."""
    fields = {"contract_amount": Decimal("8000000"), "transaction_amount": Decimal("6000000"), **fields}
    made = TechContract.objects.create(
        title=title, contract_type=ContractType.objects.order_by("pk")[0], signed_on=SIGNED, **fields
    )
    made.sellers.set([organization(XINCHENG, "新城区种业公司")])
    made.buyers.set([organization(YUQUAN, "玉泉区牧业公司")])
    return set_status(made, status)


def entered(number="2024150102000001", on=datetime.date(2024, 3, 20)):
    return Registration(number, on, organization(XINCHENG, "新城区技术市场"))


class RegistrationRulesTests(TestCase):
    users: dict[str, Any]

    @classmethod
    def setUpTestData(cls):
        cls.users = registration_cast()

    def setUp(self):
        cache.clear()
        translation.activate("zh-hans")
        self.addCleanup(translation.deactivate)
        self.contract = contract()

    def stored(self):
        return TechContract.objects.get(pk=self.contract.pk)

    def refused(self, exception, user, action, registration_values=None, reason="", record=None):
        """Assert the step is refused with `exception` and changes nothing; return the message."""
        record = record or self.contract
        before = TechContract.objects.filter(pk=record.pk).values().get()
        steps = ContractRegistration.objects.count()
        with self.assertRaises(exception) as caught:
            registration.apply(record, self.users[user], action, reason, registration_values)
        self.assertEqual(TechContract.objects.filter(pk=record.pk).values().get(), before)
        self.assertEqual(ContractRegistration.objects.count(), steps)
        return (
            "；".join(caught.exception.messages)
            if isinstance(caught.exception, ValidationError)
            else str(caught.exception)
        )

    def test_contracts_start_awaiting_registration(self):
        self.assertEqual(self.contract.registration_status, PENDING)

    def test_the_sellers_registrar_registers_and_every_trace_is_kept(self):
        registration.register(self.contract, self.users["registrar"], entered())
        stored = self.stored()
        self.assertEqual(stored.registration_status, REGISTERED)
        self.assertEqual(
            (stored.registration_number, stored.registered_on, stored.registrar.name),
            ("2024150102000001", datetime.date(2024, 3, 20), "新城区技术市场"),
        )
        step = ContractRegistration.objects.get(contract=stored)
        self.assertEqual(
            (step.action, step.from_status, step.to_status, step.username, step.registration_number),
            ("register", PENDING, REGISTERED, "xc_registrar", "2024150102000001"),
        )
        newest = stored.history.order_by("-history_id").first()
        self.assertEqual((newest.registration_status, newest.history_user.username), (REGISTERED, "xc_registrar"))
        self.assertEqual(newest.history_change_reason, "登记")
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.REGISTRATION)
        self.assertIn("2024150102000001", event.detail)
        self.assertEqual(stored.review_status, ReviewStatus.APPROVED)  # registering changes no review state

    def test_a_city_wide_registrar_registers_any_contract(self):
        registration.register(self.contract, self.users["city_registrar"], entered())
        self.assertEqual(self.stored().registration_status, REGISTERED)

    def test_the_buyers_district_does_not_register(self):
        message = self.refused(PermissionDenied, "buyer_registrar", "register", entered())
        self.assertIn("卖方", message)
        self.assertIn("玉泉区", message)

    def test_a_contract_without_sellers_is_registered_by_no_district(self):
        self.contract.sellers.clear()
        self.refused(PermissionDenied, "registrar", "register", entered())
        registration.register(self.contract, self.users["city_registrar"], entered())

    def test_staff_without_the_registrar_role_do_not_register(self):
        for user in ("clerk", "reviewer"):
            with self.subTest(user):
                self.assertIn("登记", self.refused(PermissionDenied, user, "register", entered()))

    def test_only_approved_contracts_are_registered(self):
        for status in (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.RETURNED):
            with self.subTest(status):
                set_status(self.contract, status)
                self.assertIn("审核通过", self.refused(ValidationError, "registrar", "register", entered()))

    def test_nobody_registers_a_contract_they_last_changed(self):
        both = make_user("xc_both", roles.DATA_ENTRY, roles.REGISTRAR, divisions=[division(XINCHENG)])
        set_status(self.contract, ReviewStatus.DRAFT)
        self.contract._history_user = both
        self.contract.title = "牧草种子技术转让（修订）"
        self.contract.save()
        set_status(self.contract, ReviewStatus.APPROVED)
        self.users["both"] = both
        self.assertIn("四眼", self.refused(PermissionDenied, "both", "register", entered()))
        registration.register(self.contract, self.users["registrar"], entered())

    def test_registering_needs_number_date_and_registrar(self):
        message = self.refused(ValidationError, "registrar", "register", Registration(" ", None, None))
        for needed in ("登记编号", "登记日期", "登记机构"):
            self.assertIn(needed, message)

    def test_the_registration_date_is_after_signing_and_not_in_the_future(self):
        early = entered(on=SIGNED - datetime.timedelta(days=1))
        self.assertIn("早于签订日期", self.refused(ValidationError, "registrar", "register", early))
        late = entered(on=timezone.localdate() + datetime.timedelta(days=1))
        self.assertIn("晚于今天", self.refused(ValidationError, "registrar", "register", late))

    def test_the_transaction_amount_stays_within_the_contract_amount(self):
        TechContract.objects.filter(pk=self.contract.pk).update(transaction_amount=Decimal("9000000"))
        self.contract.refresh_from_db()
        self.assertIn("技术交易额", self.refused(ValidationError, "registrar", "register", entered()))

    def test_a_registration_number_belongs_to_one_contract(self):
        other = contract("另一份合同", registration_number="2024150102000001")
        self.assertNotEqual(other.pk, self.contract.pk)
        self.assertIn("2024150102000001", self.refused(ValidationError, "registrar", "register", entered()))

    def test_refusing_needs_a_reason_and_ends_the_registration(self):
        self.assertIn("原因", self.refused(ValidationError, "registrar", "refuse", reason="  "))
        registration.refuse(self.contract, self.users["registrar"], "合同条款不属于技术合同")
        self.assertEqual(self.stored().registration_status, REFUSED)
        self.assertIn("待登记", self.refused(ValidationError, "registrar", "register", entered()))

    def test_a_change_registration_keeps_the_earlier_one(self):
        registration.register(self.contract, self.users["registrar"], entered())
        self.assertIn("原因", self.refused(ValidationError, "registrar", "change", entered("2024150102000009")))
        self.assertIn("必须改变", self.refused(ValidationError, "registrar", "change", entered(), reason="重复"))
        registration.change(self.contract, self.users["registrar"], entered("2024150102000009"), "补充协议变更金额")
        stored = self.stored()
        self.assertEqual((stored.registration_status, stored.registration_number), (CHANGED, "2024150102000009"))
        steps = ContractRegistration.objects.filter(contract=stored)
        numbers = list(steps.values_list("action", "registration_number"))
        self.assertEqual(numbers, [("register", "2024150102000001"), ("change", "2024150102000009")])
        in_history = set(stored.history.values_list("registration_number", flat=True))
        self.assertTrue({"2024150102000001", "2024150102000009"} <= in_history)
        registration.change(self.contract, self.users["registrar"], entered("2024150102000010"), "再次变更")
        self.assertEqual(self.stored().registration_status, CHANGED)

    def test_cancelling_needs_a_reason_and_only_registered_contracts_are_cancelled(self):
        self.assertIn("已登记", self.refused(ValidationError, "registrar", "cancel", reason="撤销"))
        registration.register(self.contract, self.users["registrar"], entered())
        registration.cancel(self.contract, self.users["registrar"], "当事人解除合同")
        stored = self.stored()
        self.assertEqual((stored.registration_status, stored.registration_number), (CANCELLED, "2024150102000001"))
        self.assertIn("已登记", self.refused(ValidationError, "registrar", "change", entered("2"), reason="x"))

    def test_large_transactions_are_flagged_for_expert_review(self):
        self.assertTrue(self.contract.needs_expert_review)  # 600万元 against the default 500万元
        registration.register(self.contract, self.users["registrar"], entered())
        self.assertTrue(ContractRegistration.objects.get().expert_review)
        small = contract("小额合同", transaction_amount=Decimal("4999999.99"))
        self.assertFalse(small.needs_expert_review)
        with override_settings(CONTRACT_EXPERT_REVIEW_THRESHOLD=1000):
            self.assertFalse(self.contract.needs_expert_review)

    def test_a_history_revert_brings_back_no_earlier_registration(self):
        registration.register(self.contract, self.users["registrar"], entered())
        registration.change(self.contract, self.users["registrar"], entered("2024150102000009"), "变更金额")
        before_change = self.stored().history.get(registration_number="2024150102000001")
        set_status(self.contract, ReviewStatus.RETURNED)  # reopened, so it may change
        editor = make_user("xc_editor", roles.DATA_ENTRY, divisions=[division(XINCHENG)])
        history.revert(self.stored(), before_change, editor)
        stored = self.stored()
        self.assertEqual((stored.registration_number, stored.registration_status), ("2024150102000009", CHANGED))

    def test_the_migration_registers_numbered_contracts(self):
        numbered = contract("已有登记号", registration_number="2023150102000777")
        TechContract.objects.update(registration_status=PENDING)
        module = importlib.import_module("registry.migrations.0024_contract_registration")
        module.registered_if_numbered(django_apps, None)
        self.assertEqual(TechContract.objects.get(pk=numbered.pk).registration_status, REGISTERED)
        self.assertEqual(self.stored().registration_status, PENDING)


class RegistrationAdminTests(TestCase):
    users: dict[str, Any]

    @classmethod
    def setUpTestData(cls):
        cls.users = registration_cast()

    def setUp(self):
        cache.clear()
        self.contract = contract()
        self.page = f"{ADMIN}registry/techcontract/{self.contract.pk}/change/"
        self.step_url = f"{ADMIN}registry/techcontract/{self.contract.pk}/registration/"

    def post_step(self, user, action, **values):
        self.client.force_login(self.users[user])
        data = {"registration_action": action, **values}
        return self.client.post(self.step_url, data, follow=True, headers={"accept-language": "zh-hans"})

    def test_the_registrar_sees_the_panel_and_registers_from_the_page(self):
        self.client.force_login(self.users["registrar"])
        page = self.client.get(self.page, headers={"accept-language": "zh-hans"}).content.decode()
        self.assertIn('id="registration-panel"', page)
        self.assertIn('value="register"', page)
        self.assertIn('id="expert-review-flag"', page)
        registrar = organization(XINCHENG, "新城区技术市场")
        response = self.post_step(
            "registrar",
            "register",
            registration_number="2024150102000001",
            registered_on="2024-03-20",
            registrar=str(registrar.pk),
        )
        self.assertEqual(TechContract.objects.get(pk=self.contract.pk).registration_status, REGISTERED)
        self.assertIn("已登记", response.content.decode())
        self.assertIn('id="registration-timeline"', response.content.decode())

    def test_a_refused_step_says_why_and_changes_nothing(self):
        response = self.post_step("buyer_registrar", "register", registration_number="1", registered_on="2024-03-20")
        self.assertEqual(TechContract.objects.get(pk=self.contract.pk).registration_status, PENDING)
        self.assertIn("卖方", response.content.decode())
        response = self.post_step("clerk", "register", registration_number="1", registered_on="2024-03-20")
        self.assertEqual(TechContract.objects.get(pk=self.contract.pk).registration_status, PENDING)

    def test_an_unknown_step_is_refused_with_a_message(self):
        response = self.post_step("registrar", "approve_everything", registration_number="1")
        self.assertEqual(response.status_code, 200)
        self.assertIn("未知的登记操作", response.content.decode())
        self.assertEqual(TechContract.objects.get(pk=self.contract.pk).registration_status, PENDING)

    def test_the_step_view_takes_posts_only(self):
        self.client.force_login(self.users["registrar"])
        self.assertEqual(self.client.get(self.step_url).status_code, 405)

    def test_the_registration_fields_are_read_only_on_the_form(self):
        set_status(self.contract, ReviewStatus.DRAFT)
        self.client.force_login(self.users["clerk"])
        page = self.client.get(self.page).content.decode()
        self.assertNotIn('name="registration_number"', page)
        self.assertNotIn('name="registered_on"', page)

    def test_lists_show_and_filter_the_registration_state_and_the_flag(self):
        contract("小额合同", transaction_amount=Decimal("100000"))
        self.client.force_login(self.users["city_registrar"])
        listed = self.client.get(f"{ADMIN}registry/techcontract/?expert_review=yes").context["cl"].result_list
        self.assertEqual([c.title for c in listed], ["牧草种子技术转让"])
        listed = self.client.get(f"{ADMIN}registry/techcontract/?registration_status__exact=pending")
        self.assertEqual(listed.context["cl"].result_count, 2)


class RegistrationImportTests(TestCase):
    clerk: Any
    registrar: Any
    kind: ContractType
    HEADER = ["登记编号", "标题", "合同类别", "签订日期", "卖方"]

    @classmethod
    def setUpTestData(cls):
        cls.clerk = make_user("xc_clerk", roles.DATA_ENTRY, divisions=[division(XINCHENG)])
        cls.registrar = make_user("xc_reg", roles.DATA_ENTRY, roles.REGISTRAR, divisions=[division(XINCHENG)])
        cls.kind = ContractType.objects.order_by("pk")[0]
        organization(XINCHENG, "新城区种业公司")
        organization(YUQUAN, "玉泉区牧业公司")

    def setUp(self):
        translation.activate("zh-hans")
        self.addCleanup(translation.deactivate)

    def plan(self, user, *rows):
        data = csv_text([self.HEADER, *rows]).encode("utf-8")
        return service.validate(TechContract, data, "登记.csv", user)[0]

    def row(self, number, seller="新城区种业公司", title="牧草种子技术转让"):
        return [number, title, self.kind.name, "2024-03-01", seller]

    def test_data_entry_may_not_import_a_registration(self):
        plan = self.plan(self.clerk, self.row("2024150102000001"))
        (error,) = plan.errors
        self.assertEqual((error.row, error.column, error.value), (2, "登记编号", "2024150102000001"))
        self.assertIn("登记员", error.message)
        self.assertEqual(self.plan(self.clerk, self.row("")).errors, [])

    def test_a_registrar_imports_registrations_of_their_sellers_only(self):
        refused = self.plan(self.registrar, self.row("2024150102000002", seller="玉泉区牧业公司"))
        self.assertTrue(refused.errors)
        plan = self.plan(self.registrar, self.row("2024150102000001"))
        self.assertEqual(plan.errors, [])
        service.apply_plan(plan, self.registrar, "登记.csv")
        stored = TechContract.objects.get(registration_number="2024150102000001")
        self.assertEqual(stored.registration_status, REGISTERED)
        step = ContractRegistration.objects.get(contract=stored)
        self.assertEqual((step.action, step.username), ("import", "xc_reg"))

    def test_a_registrar_imports_the_registration_of_a_contract_awaiting_it(self):
        stored = contract(status=ReviewStatus.DRAFT)
        plan = self.plan(self.registrar, self.row("2024150102000003"))
        self.assertEqual(plan.errors, [])
        self.assertEqual(service.apply_plan(plan, self.registrar, "登记.csv"), {"new": 0, "updated": 1})
        stored.refresh_from_db()
        self.assertEqual((stored.registration_number, stored.registration_status), ("2024150102000003", REGISTERED))
        self.assertEqual(ContractRegistration.objects.get(contract=stored).action, "import")

    def test_an_existing_contracts_registration_is_not_changed_by_import(self):
        stored = contract(registration_number="2024150102000001", registration_status=REGISTERED)
        header = [*self.HEADER, "登记日期"]
        data = csv_text([header, [*self.row("2024150102000001"), "2024-04-01"]]).encode("utf-8")
        set_status(stored, ReviewStatus.DRAFT)
        plan = service.validate(TechContract, data, "登记.csv", self.registrar)[0]
        (error,) = plan.errors
        self.assertEqual((error.column, error.value), ("登记日期", "2024-04-01"))
        self.assertIn("变更登记", error.message)


@skipUnlessDBFeature("has_select_for_update")
class ConcurrentRegistrationTests(TransactionTestCase):
    """Two registrars press 登记 on one contract at once: one registration, one clear refusal."""

    users: dict[str, Any]

    def setUp(self):
        load_reference_data()
        roles.sync_roles()
        self.users = registration_cast()
        self.other = make_user("xc_registrar2", roles.REGISTRAR, divisions=[division(XINCHENG)])
        self.contract = contract()

    def test_one_registration_wins(self):
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def register(user, number):
            try:
                barrier.wait()
                registration.register(TechContract.objects.get(pk=self.contract.pk), user, entered(number))
                outcomes.append("registered")
            except (ValidationError, PermissionDenied) as error:
                outcomes.append(type(error).__name__)
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=register, args=(self.users["registrar"], "2024150102000001")),
            threading.Thread(target=register, args=(self.other, "2024150102000002")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(outcomes), ["ValidationError", "registered"])
        self.assertEqual(ContractRegistration.objects.filter(contract=self.contract).count(), 1)
