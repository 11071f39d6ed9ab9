"""What a big import holds at once: repeated cell values shared, the stored plan written and read a
line at a time, and new records written a chunk at a time with their history, links and districts."""

import datetime
import gc
import json
from unittest import mock

from django.contrib.auth.models import User
from django.test import SimpleTestCase, TestCase

from registry import link_history, pinyin
from registry.importing import applying, reading, service
from registry.importing import plan as plan_module
from registry.importing.plan import Plan
from registry.importing.workbook_process import SHARED_PER_COLUMN, SharedValues
from registry.models import ContractType, Division, Organization, Talent, TechContract, TechContractDistrict

from .impexp_support import csv_text, staff, xlsx


class SharedValuesTests(SimpleTestCase):
    def test_repeated_values_of_a_column_are_one_object(self):
        shared = SharedValues()
        first = shared.row(["".join(["张", "三"]), "".join(["男"]), datetime.date(2024, 1, 5)])
        second = shared.row(["".join(["李", "四"]), "".join(["男"]), datetime.date(2024, 1, 5)])
        self.assertIs(first[1], second[1])
        self.assertIs(first[2], second[2])
        self.assertEqual(second, ["李四", "男", datetime.date(2024, 1, 5)])

    def test_equal_values_of_other_types_stay_apart(self):
        shared = SharedValues()
        rows = [shared.row([value]) for value in (1, 1.0, True, "1", datetime.datetime(2024, 1, 5))]
        rows.append(shared.row([datetime.date(2024, 1, 5)]))
        self.assertEqual([type(row[0]) for row in rows], [int, float, bool, str, datetime.datetime, datetime.date])

    def test_lists_and_dicts_pass_through(self):
        shared = SharedValues()
        cell = {"new": "新公司"}
        self.assertIs(shared.row([cell, [1, 2]])[0], cell)

    def test_a_column_remembers_a_bounded_number_of_values(self):
        shared = SharedValues()
        for number in range(SHARED_PER_COLUMN + 10):
            shared.row([f"人才{number}"])
        self.assertEqual(len(shared.columns[0]), SHARED_PER_COLUMN)
        late = shared.row(["".join(["人才", str(SHARED_PER_COLUMN + 5)])])[0]
        self.assertEqual(late, f"人才{SHARED_PER_COLUMN + 5}")


class CollectorTests(SimpleTestCase):
    def test_the_collector_is_paused_while_a_plan_is_built_and_back_after(self):
        states = []
        with plan_module.gc_paused():
            states.append(gc.isenabled())
        states.append(gc.isenabled())
        with self.assertRaises(ValueError), plan_module.gc_paused():
            raise ValueError
        states.append(gc.isenabled())
        self.assertEqual(states, [False, True, True])

    def test_a_collector_switched_off_stays_off(self):
        gc.disable()
        try:
            with plan_module.gc_paused():
                pass
            self.assertFalse(gc.isenabled())
        finally:
            gc.enable()


class ReadingTests(SimpleTestCase):
    def test_a_workbooks_repeated_cells_arrive_shared(self):
        # Read by calamine in the child process, pickled back with the sharing kept.
        rows = [["姓名", "性别", "工作单位"], ["张三", "男", "内蒙古大学"], ["李四", "男", "内蒙古大学"]]
        table = reading.read_table(xlsx(rows), "talents.xlsx")
        self.assertEqual(table.rows, rows[1:])
        self.assertIs(table.rows[0][1], table.rows[1][1])
        self.assertIs(table.rows[0][2], table.rows[1][2])

    def test_a_csv_files_repeated_cells_are_shared(self):
        rows = [["姓名", "性别"], ["张三", "男"], ["李四", "男"]]
        table = reading.read_table(csv_text(rows).encode("utf-8"), "talents.csv")
        self.assertEqual(table.rows, rows[1:])
        self.assertIs(table.rows[0][1], table.rows[1][1])


class ContractCase(TestCase):
    kind: ContractType
    division: Division
    user: User

    @classmethod
    def setUpTestData(cls):
        cls.division = Division.objects.filter(in_hohhot=True).order_by("code")[0]
        for name in ("甲公司", "乙公司", "丙公司"):
            Organization.objects.create(name=name, division=cls.division)
        cls.kind = ContractType.objects.order_by("pk")[0]
        cls.user = staff("importer", superuser=True)

    def rows(self, count):
        header = ["标题", "合同类别", "买方", "卖方", "签订日期"]
        buyers = ["甲公司", "甲公司、乙公司", "丙公司"]
        return [header] + [
            [
                f"技术合同{number}",
                self.kind.name,
                buyers[number % 3],
                "丙公司",
                f"2025-{number // 28 + 1:02d}-{number % 28 + 1:02d}",
            ]
            for number in range(count)
        ]

    def validate(self, rows, name="contracts.csv"):
        plan, _header, _table = service.validate(TechContract, csv_text(rows).encode("utf-8"), name, self.user)
        self.assertEqual([str(error) for error in plan.errors], [])
        return plan


class PlanLinesTests(ContractCase):
    def test_the_stored_plan_is_one_line_per_chunk_and_reads_back_the_same(self):
        plan = self.validate(self.rows(5))
        with mock.patch.object(plan_module, "LINE_ITEMS", 2):
            lines = plan.to_json().splitlines()
            stored = plan.compressed()
        self.assertEqual(len(lines), 1 + 3 + 3)  # the scalars; creates and preview changes in threes
        self.assertNotIn("creates", json.loads(lines[0]))
        for again in (Plan.from_json("\n".join(lines)), Plan.from_compressed(stored)):
            self.assertEqual(again.creates, plan.creates)
            self.assertEqual(again.changes, plan.changes)
            self.assertEqual(again.counts, plan.counts)

    def test_the_decompressed_lines_are_read_a_piece_at_a_time(self):
        plan = self.validate(self.rows(40))
        with mock.patch.object(plan_module, "READ_BYTES", 16):  # lines cut anywhere, even inside a character
            again = Plan.from_compressed(plan.compressed())
        self.assertEqual(again.creates, plan.creates)

    def test_a_plan_stored_as_one_json_object_still_reads(self):
        # Pending imports stored before the plan was written in lines are confirmed after an upgrade.
        plan = self.validate(self.rows(3))
        data = json.loads(plan.to_json().splitlines()[0])
        data.update(creates=plan.creates, updates=[], changes=plan.changes, errors=[])
        old = json.dumps(data, cls=plan_module.PlanEncoder, ensure_ascii=False)
        again = Plan.from_json(old)
        self.assertEqual(again.creates, plan.creates)
        self.assertEqual(again.counts, plan.counts)


class ChunkedWritingTests(ContractCase):
    def test_records_written_chunk_by_chunk_get_their_history_links_and_districts(self):
        plan = self.validate(self.rows(7))
        with mock.patch.object(applying, "WRITE_CHUNK", 3):
            self.assertEqual(service.apply_plan(plan, self.user, "contracts.csv"), {"new": 7, "updated": 0})
        contracts = list(TechContract.objects.order_by("title"))
        self.assertEqual(len(contracts), 7)
        for contract in contracts:
            with self.subTest(contract.title):
                number = int(contract.title.removeprefix("技术合同"))
                buyers = {1: {"甲公司", "乙公司"}}.get(number % 3, {"甲公司"} if number % 3 == 0 else {"丙公司"})
                self.assertEqual(set(contract.buyers.values_list("name", flat=True)), buyers)
                self.assertEqual(contract.signed_on, datetime.date(2025, number // 28 + 1, number % 28 + 1))
                (history,) = contract.history.all()
                recorded = link_history.links_at(TechContract, [history.history_id])
                self.assertEqual(
                    recorded[(history.history_id, "buyers")], set(contract.buyers.values_list("pk", flat=True))
                )
                districts = TechContractDistrict.objects.filter(contract=contract)
                self.assertEqual(
                    set(districts.values_list("division_id", "signed_on")), {(self.division.pk, contract.signed_on)}
                )

    def test_the_sort_keys_written_once_are_the_records_and_their_historys(self):
        rows = [["姓名", "工作单位"], ["张三", "甲公司"], ["李四", "乙公司"], ["王五", "丙公司"]]
        plan, _header, _table = service.validate(Talent, csv_text(rows).encode("utf-8"), "t.csv", self.user)
        with mock.patch.object(applying, "WRITE_CHUNK", 2):
            service.apply_plan(plan, self.user, "t.csv")
        for talent in Talent.objects.all():
            with self.subTest(talent.name):
                self.assertEqual(talent.name_pinyin, pinyin.sort_key(talent.name))
                self.assertEqual(talent.history.get().name_pinyin, talent.name_pinyin)
        self.assertEqual(list(Talent.objects.values_list("name", flat=True)), ["李四", "王五", "张三"])


class CleanedOnceTests(ContractCase):
    def test_a_repeated_cell_is_cleaned_once_and_each_row_gets_its_own_links(self):
        from registry.importing import cells, planning

        rows = self.rows(6)
        with mock.patch.object(planning, "clean_cell", wraps=cells.clean_cell) as cleaning:
            plan = self.validate(rows)
        cleaned = [call.args[0] for call in cleaning.call_args_list]
        self.assertEqual(cleaned.count(self.kind.name), 1)
        self.assertEqual(cleaned.count("丙公司"), 2)  # once as a buyer, once as a seller
        self.assertEqual(len(cleaned), 6 + 1 + 3 + 1 + 6)  # titles, kind, buyers, sellers, dates
        position = plan.fields.index("contract_type_id")
        self.assertEqual({create.values[position] for create in plan.creates}, {self.kind.pk})
        first, _second, _third, fourth = (create.links["buyers"] for create in plan.creates[:4])
        self.assertEqual(first, fourth)
        self.assertIsNot(first, fourth)

    def test_a_repeated_bad_cell_is_an_error_on_every_row(self):
        rows = [["标题", "合同类别"], ["合同甲", "不存在的类别"], ["合同乙", "不存在的类别"]]
        plan, _header, _table = service.validate(TechContract, csv_text(rows).encode("utf-8"), "c.csv", self.user)
        self.assertEqual([error.row for error in plan.errors], [2, 3])
        self.assertTrue(all("不存在的类别" in str(error) for error in plan.errors))
