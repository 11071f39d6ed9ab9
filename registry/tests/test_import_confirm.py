"""Issue 13 point 8: confirming an import writes it exactly once.

Three simultaneous confirms of one token wrote the rows three times, and a crash after the commit
left the plan confirmable again. The pending plan is now claimed and deleted inside the
transaction that applies it.
"""

import threading
import unittest
from unittest import mock

from django.db import connection
from django.test import TestCase, TransactionTestCase

from registry.importing import service
from registry.models import PendingImport, Talent

from .backup_support import reload_reference_data
from .impexp_support import csv_text, staff

ROWS = [["姓名", "职务"], *[[f"确认测试{number}", "研究员"] for number in range(30)]]


def pending_import(user) -> PendingImport:
    plan, _header, _rows = service.validate(Talent, csv_text(ROWS).encode(), "名单.csv", user)
    assert not plan.errors, plan.errors
    return service.store(plan, user, "名单.csv")


class ConfirmOnceTests(TestCase):
    def test_a_second_confirm_of_the_same_plan_writes_nothing(self):
        user = staff("boss", superuser=True)
        pending = pending_import(user)
        self.assertEqual(service.confirm(pending, user)["new"], 30)
        with self.assertRaises(service.AlreadyConfirmed):
            service.confirm(pending, user)
        self.assertEqual(Talent.objects.count(), 30)
        self.assertFalse(PendingImport.objects.exists())

    def test_a_failed_confirm_leaves_the_plan_to_confirm_again(self):
        user = staff("boss", superuser=True)
        pending = pending_import(user)
        with mock.patch("registry.importing.engine.apply_plan", side_effect=RuntimeError("crash")):
            with self.assertRaises(RuntimeError):
                service.confirm(pending, user)
        self.assertEqual(Talent.objects.count(), 0)
        self.assertIsNotNone(service.pending_for(pending.token, user))
        self.assertEqual(service.confirm(pending, user)["new"], 30)


@unittest.skipUnless(connection.vendor == "postgresql", "concurrent connections are tested on PostgreSQL")
class ConcurrentConfirmTests(TransactionTestCase):
    def setUp(self):
        # An earlier TransactionTestCase emptied the tables (groups come back through post_migrate).
        reload_reference_data()

    def test_three_simultaneous_confirms_write_once(self):
        user = staff("boss", superuser=True)
        pending = pending_import(user)
        start = threading.Barrier(3)
        outcomes: list[int | str] = []

        def confirm():
            try:
                start.wait()
                outcomes.append(service.confirm(pending, user)["new"])
            except service.AlreadyConfirmed:
                outcomes.append("already")
            finally:
                connection.close()

        threads = [threading.Thread(target=confirm) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(sorted(outcomes, key=str), [30, "already", "already"])
        self.assertEqual(Talent.objects.count(), 30)
        self.assertFalse(PendingImport.objects.exists())
