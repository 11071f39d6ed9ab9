"""Issue 13, the import's trust points on the engine split.

Scope on the new values (point 3); identity numbers never a key nor echoed without the
personal-data permission (5); stored personal values never shown by a validation error (6);
blank cells leave stored values alone (11); confirm re-checks what changed since the preview (9);
concurrent imports of one model cannot create duplicates (10); create-missing errors at preview (16).
Each test runs as a district-scoped clerk (or a superuser where scope is not the question)
through the service API the admin and the commands share.
"""

import threading
import unittest
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings

from registry import roles
from registry.importing import service
from registry.models import Division, Organization, StaffScope, Talent, TechContract, Workstation, WorkstationMember
from registry.tests.support import RecordFactory, id_number, make_user

from .backup_support import reload_reference_data
from .impexp_support import csv_text, ensure_permissions, staff


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


class IdentityNumberOracleTests(TestCase):
    """Point 5: for users without the personal-data permission identity numbers are never a key."""

    host: Organization
    real: str
    made_up: str

    @classmethod
    def setUpTestData(cls):
        cls.host = Organization.objects.create(name="工作站依托单位")
        Workstation.objects.create(name="院士工作站", kind=Workstation.Kind.ACADEMICIAN_EXPERT, host=cls.host)
        cls.real = id_number("19700101")
        Talent.objects.create(name="真实专家", employer=cls.host, id_number=cls.real)
        cls.made_up = id_number("19700102")

    def member_rows(self, *talents):
        return [["工作站", "人才"], *[["院士工作站", talent] for talent in talents]]

    def test_known_and_unknown_numbers_get_the_same_answer_and_are_not_echoed(self):
        clerk = make_user(roles.DATA_ENTRY, username="clerk")
        plan = validate(WorkstationMember, self.member_rows(self.real, self.made_up), clerk)
        self.assertFalse(plan.creates)
        answers = [error.message for error in plan.errors]
        self.assertEqual(len(answers), 2)
        self.assertEqual(answers[0], answers[1])
        self.assertIn("姓名 / 工作单位", answers[0])
        for error in plan.errors:
            self.assertEqual(error.value, "")
            self.assertNotIn(self.real[:10], str(error))
            self.assertNotIn(self.made_up[:10], str(error))
        self.assertNotIn(self.real[:10], plan.to_json())

    def test_spaced_numbers_and_phones_are_not_looked_up_either(self):
        clerk = make_user(roles.DATA_ENTRY, username="clerk")
        spaced = f"{self.real[:6]} {self.real[6:14]} {self.real[14:]}"
        plan = validate(WorkstationMember, self.member_rows(spaced, "139 0000 0000"), clerk)
        self.assertEqual([error.value for error in plan.errors], ["", ""])

    def test_the_name_and_employer_still_name_the_talent(self):
        clerk = make_user(roles.DATA_ENTRY, username="clerk")
        plan = validate(WorkstationMember, self.member_rows("真实专家 / 工作站依托单位"), clerk)
        self.assertEqual((plan.errors, plan.counts["new"]), ([], 1))

    def test_with_the_personal_data_permission_the_number_is_the_key(self):
        officer = make_user(roles.DATA_ENTRY, roles.PERSONAL_DATA, username="officer")
        plan = validate(WorkstationMember, self.member_rows(self.real, self.made_up), officer)
        self.assertEqual(plan.counts["new"], 1)
        self.assertEqual([error.row for error in plan.errors], [3])


class StoredValueLeakTests(TestCase):
    """Point 6 (imports): a change of 证件类型 must not put the stored passport number in the preview."""

    def setUp(self):
        employer = Organization.objects.create(name="某研究院")
        Talent.objects.create(name="外籍专家", employer=employer, id_type="passport", id_number="E12345678")
        self.rows = [["姓名", "工作单位", "证件类型"], ["外籍专家", "某研究院", "居民身份证"]]

    def test_switching_the_document_type_does_not_show_the_stored_number(self):
        clerk = make_user(roles.DATA_ENTRY, username="clerk")
        plan, header, rows = service.validate(Talent, csv_text(self.rows).encode(), "f.csv", clerk)
        self.assertEqual(len(plan.errors), 1)
        self.assertIn("证件号码", plan.errors[0].message)
        self.assertIn("不向您显示", plan.errors[0].message)
        self.assertNotIn("E12345678", plan.to_json())
        self.assertNotIn(b"E12345678", service.error_report(Talent, plan, header, rows, clerk))
        self.assertEqual(Talent.objects.get().id_type, "passport")

    def test_with_the_personal_data_permission_the_value_is_named(self):
        officer = make_user(roles.DATA_ENTRY, roles.PERSONAL_DATA, username="officer")
        plan = validate(Talent, self.rows, officer)
        self.assertEqual([error.value for error in plan.errors], ["E12345678"])


class BlankCellTests(TestCase):
    """Point 11: blank cells leave stored values alone unless clearing is chosen, and the preview
    shows cleared fields with Chinese labels."""

    rows = [["姓名", "学位", "职称级别", "荣誉", "职务"], ["李四", "", "", "", "所长"]]

    def setUp(self):
        self.clerk = make_user(roles.DATA_ENTRY, username="clerk")
        Talent.objects.create(name="李四", degree="doctorate", title_level="full_senior", honours="劳动模范")

    def test_a_row_with_a_few_columns_filled_clears_nothing(self):
        plan = validate(Talent, self.rows, self.clerk)
        self.assertEqual(plan.counts["updated"], 1)
        self.assertEqual([diff.label for diff in plan.changes[0].diffs], ["职务"])
        service.apply_plan(plan, self.clerk, "f.csv")
        talent = Talent.objects.get()
        self.assertEqual(
            (talent.degree, talent.title_level, talent.honours, talent.position),
            ("doctorate", "full_senior", "劳动模范", "所长"),
        )

    def test_clearing_is_an_explicit_choice_and_shows_chinese_labels(self):
        plan = validate(Talent, self.rows, self.clerk, clear_blanks=True)
        diffs = {diff.label: (diff.old, diff.new) for diff in plan.changes[0].diffs}
        self.assertEqual(diffs["学位"], ("博士", ""))
        self.assertEqual(diffs["职称级别"], ("正高级", ""))
        self.assertEqual(diffs["荣誉"], ("劳动模范", ""))
        service.apply_plan(plan, self.clerk, "f.csv")
        self.assertEqual(Talent.objects.get().degree, "")

    def test_new_records_take_blank_cells_as_empty(self):
        plan = validate(Talent, [*self.rows, ["王五", "", "", "", ""]], self.clerk)
        self.assertEqual((plan.errors, plan.counts["new"], plan.counts["updated"]), ([], 1, 1))


@override_settings(ROOT_URLCONF="registry.tests.impexp_support")
class BlankCellUploadTests(TestCase):
    """Point 11 through the admin: the upload form's option, and cleared fields marked in the preview."""

    def setUp(self):
        ensure_permissions()
        clerk = staff("clerk", ["view_talent", "add_talent", "change_talent", "import_talent", "view_organization"])
        self.client.force_login(clerk)
        Talent.objects.create(name="李四", degree="doctorate")
        self.data = csv_text([["姓名", "学位", "职务"], ["李四", "", "所长"]]).encode()

    def preview(self, **options):
        upload = SimpleUploadedFile("人才.csv", self.data)
        response = self.client.post("/admin/registry/talent/import/", {"import_file": upload, **options})
        self.assertEqual(response.status_code, 302)
        return self.client.get(response["Location"])

    def test_by_default_the_blank_cell_changes_nothing(self):
        preview = self.preview()
        self.assertNotContains(preview, "博士")
        self.assertNotContains(preview, "import-cleared")

    def test_chosen_clearing_is_shown_loudly(self):
        preview = self.preview(clear_blanks="on")
        self.assertContains(preview, "import-clearing")
        self.assertContains(
            preview, '<div class="import-cleared"><strong>学位：<del>博士</del> → （清空）</strong></div>', html=True
        )


class ConflictSincePreviewTests(TestCase):
    """Point 9: an edit saved between preview and confirm is not silently overwritten, and the
    user's districts are checked again when the import is written."""

    def test_a_record_changed_after_the_preview_is_listed_and_nothing_is_written(self):
        user = staff("boss", superuser=True)
        talent = Talent.objects.create(name="张三", title="讲师")
        Talent.objects.create(name="李四", title="讲师")
        plan = validate(Talent, [["姓名", "职称"], ["张三", "教授"], ["李四", "教授"], ["王五", "教授"]], user)
        pending = service.store(plan, user, "f.csv")
        talent.title = "副教授"
        talent.save()
        with self.assertRaises(service.ChangedSincePreview) as refusal:
            service.confirm(pending, user)
        self.assertIn("第 2 行", str(refusal.exception))
        self.assertNotIn("第 3 行", str(refusal.exception))
        self.assertEqual(refusal.exception.rows, [2])
        talent.refresh_from_db()
        self.assertEqual(talent.title, "副教授")
        self.assertEqual(Talent.objects.filter(title="教授").count(), 0)
        self.assertFalse(Talent.objects.filter(name="王五").exists())

    def test_a_record_deleted_after_the_preview_is_listed(self):
        user = staff("boss", superuser=True)
        talent = Talent.objects.create(name="张三", title="讲师")
        pending = service.store(validate(Talent, [["姓名", "职称"], ["张三", "教授"]], user), user, "f.csv")
        talent.delete()
        with self.assertRaisesMessage(service.ChangedSincePreview, "第 2 行"):
            service.confirm(pending, user)
        self.assertFalse(Talent.objects.exists())

    def test_an_unchanged_record_is_written(self):
        user = staff("boss", superuser=True)
        Talent.objects.create(name="张三", title="讲师")
        pending = service.store(validate(Talent, [["姓名", "职称"], ["张三", "教授"]], user), user, "f.csv")
        self.assertEqual(service.confirm(pending, user), {"new": 0, "updated": 1})

    def test_a_scope_narrowed_after_the_preview_refuses_the_import(self):
        division_a, division_b = Division.objects.filter(in_hohhot=True).order_by("code")[:2]
        Organization.objects.create(name="甲区单位", division=division_a)
        clerk = make_user(roles.DATA_ENTRY, username="clerk_a", scope=[division_a])
        pending = service.store(validate(Talent, [["姓名", "工作单位"], ["新人", "甲区单位"]], clerk), clerk, "f.csv")
        StaffScope.objects.get(user=clerk).divisions.set([division_b])
        clerk = User.objects.get(pk=clerk.pk)  # a new request: the districts are read again
        with self.assertRaisesMessage(service.ChangedSincePreview, "第 2 行"):
            service.confirm(pending, clerk)
        self.assertFalse(Talent.objects.exists())


class CreatedSincePreviewTests(TestCase):
    """Point 10 on both databases: a file previewed before another import wrote the same records
    is refused when it is confirmed, naming the rows, and writes nothing."""

    def test_records_registered_since_the_preview_are_not_created_twice(self):
        user = staff("boss", superuser=True)
        rows = [["姓名", "职务"], *[[f"人才{number}", "研究员"] for number in range(5)]]
        first, second = validate(Talent, rows, user), validate(Talent, rows[:3], user)
        service.apply_plan(first, user, "a.csv")
        with self.assertRaises(service.ChangedSincePreview) as refusal:
            service.apply_plan(second, user, "b.csv")
        self.assertEqual(refusal.exception.rows, [2, 3])
        self.assertIn("第 2 行、第 3 行", str(refusal.exception))
        self.assertEqual(Talent.objects.count(), 5)

    def test_an_identity_number_registered_since_the_preview_is_named_not_an_integrity_error(self):
        officer = make_user(roles.DATA_ENTRY, roles.PERSONAL_DATA, username="officer")
        number = id_number("19800101")
        plan = validate(Talent, [["姓名", "证件号码"], ["赵六", number]], officer)
        Talent.objects.create(name="赵六（另一位）", id_number=number)
        with self.assertRaisesMessage(service.ChangedSincePreview, "第 2 行"):
            service.apply_plan(plan, officer, "f.csv")
        self.assertEqual(Talent.objects.count(), 1)

    def test_an_organization_created_since_the_preview_is_named(self):
        user = staff("boss", superuser=True)
        plan = validate(Talent, [["姓名", "工作单位"], ["钱七", "新公司"]], user, create_missing=True)
        Organization.objects.create(name="新公司")
        with self.assertRaisesMessage(service.ChangedSincePreview, "新公司"):
            service.apply_plan(plan, user, "f.csv")
        self.assertFalse(Talent.objects.exists())


@unittest.skipUnless(connection.vendor == "postgresql", "concurrent connections are tested on PostgreSQL")
class ConcurrentImportTests(TransactionTestCase):
    """Point 10: two imports of overlapping talent files applied at once cannot create duplicates;
    the one that waits gets the clear refusal, not an IntegrityError."""

    def setUp(self):
        # An earlier TransactionTestCase emptied the tables (groups come back through post_migrate).
        reload_reference_data()

    def concurrently(self, plans, user):
        start = threading.Barrier(len(plans))
        outcomes: list[object] = []

        def apply(plan):
            try:
                start.wait()
                outcomes.append(service.apply_plan(plan, user, "f.csv")["new"])
            except Exception as error:  # noqa: BLE001 - the test looks at what the loser was told
                outcomes.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=apply, args=(plan,)) for plan in plans]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return outcomes

    def test_overlapping_files_without_identity_numbers_make_no_duplicates(self):
        user = staff("boss", superuser=True)
        rows = [["姓名", "职务"], *[[f"并发人才{number}", "研究员"] for number in range(50)]]
        outcomes = self.concurrently([validate(Talent, rows, user) for _ in range(2)], user)
        self.assertEqual(Talent.objects.count(), 50)
        self.assertEqual(sorted(type(outcome).__name__ for outcome in outcomes), ["ChangedSincePreview", "int"])

    def test_overlapping_files_with_identity_numbers_give_no_integrity_error(self):
        officer = make_user(roles.ADMINISTRATOR, roles.PERSONAL_DATA, username="officer")
        rows = [["姓名", "证件号码"], *[[f"并发专家{n}", id_number(sequence=f"{n:03d}")] for n in range(30)]]
        outcomes = self.concurrently([validate(Talent, rows, officer) for _ in range(2)], officer)
        self.assertEqual(Talent.objects.count(), 30)
        self.assertEqual(sorted(type(outcome).__name__ for outcome in outcomes), ["ChangedSincePreview", "int"])


class CreateMissingTests(TestCase):
    """Point 16 (engine): create-missing with a many-to-many column, and over-long new names."""

    def test_create_missing_with_a_many_to_many_column_is_a_clear_error_at_preview(self):
        user = staff("boss", superuser=True)
        contract_type = RecordFactory().shared(TechContract._meta.get_field("contract_type").related_model)
        rows = [["标题", "合同类别", "买方"], ["合同甲", contract_type.name, "尚未登记的公司"]]
        plan = validate(TechContract, rows, user, create_missing=True)
        self.assertEqual([(error.row, error.column) for error in plan.errors], [(2, "买方")])
        self.assertIn("请先登记", plan.errors[0].message)
        self.assertFalse(plan.new_organizations)

    def test_an_over_long_new_organization_name_is_an_error_at_preview(self):
        user = staff("boss", superuser=True)
        plan = validate(Talent, [["姓名", "工作单位"], ["王五", "长" * 250]], user, create_missing=True)
        self.assertEqual(len(plan.errors), 1)
        self.assertIn("250", plan.errors[0].message)
        self.assertFalse(plan.new_organizations)
        self.assertFalse(Organization.objects.exists())

    def test_a_new_organization_within_the_length_is_planned(self):
        user = staff("boss", superuser=True)
        plan = validate(Talent, [["姓名", "工作单位"], ["王五", "新单位"]], user, create_missing=True)
        self.assertEqual((plan.errors, plan.new_organizations), ([], ["新单位"]))
