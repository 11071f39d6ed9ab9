"""An academician active in more academician expert workstations than allowed (one; three when
retired) is flagged: a warning on saving in the admin and a filter on talents, never a refusal."""

import datetime

from django.contrib.messages import WARNING
from django.test import TestCase

from registry.models import Talent, Workstation, WorkstationMember
from registry.rules import academician_rule_warning, academicians_over_limit

from .admin_pages import admin_url, form_data, log_in_superuser


def workstation(n: int, kind=Workstation.Kind.ACADEMICIAN_EXPERT) -> Workstation:
    return Workstation.objects.create(name=f"工作站{n}-{kind}", kind=kind)


def join(talent, *workstations, left_on=None):
    for place in workstations:
        WorkstationMember.objects.create(workstation=place, talent=talent, role="academician", left_on=left_on)


class RuleTests(TestCase):
    academician: Talent
    retired: Talent
    stations: list[Workstation]

    @classmethod
    def setUpTestData(cls):
        cls.stations = [workstation(n) for n in range(5)]
        cls.academician = Talent.objects.create(name="院士甲", academy=Talent.Academy.CAE)
        cls.retired = Talent.objects.create(name="院士乙", academy=Talent.Academy.CAS, is_retired=True)

    def flagged(self):
        return set(academicians_over_limit(Talent.objects.all()).values_list("name", flat=True))

    def test_one_academician_workstation_is_allowed(self):
        join(self.academician, self.stations[0])
        join(self.academician, workstation(9, Workstation.Kind.COMMISSIONER_EXPERT))
        self.assertIsNone(academician_rule_warning(self.academician))
        self.assertEqual(self.flagged(), set())

    def test_a_second_active_academician_workstation_is_flagged(self):
        join(self.academician, *self.stations[:2])
        warning = academician_rule_warning(self.academician) or ""
        self.assertIn("院士甲", warning)
        self.assertIn("2", warning)
        self.assertEqual(self.flagged(), {"院士甲"})

    def test_workstations_left_do_not_count(self):
        join(self.academician, self.stations[0])
        join(self.academician, *self.stations[1:3], left_on=datetime.date(2023, 12, 31))
        self.assertIsNone(academician_rule_warning(self.academician))

    def test_retired_academicians_may_be_in_three(self):
        join(self.retired, *self.stations[:3])
        self.assertIsNone(academician_rule_warning(self.retired))
        join(self.retired, self.stations[3])
        self.assertIn("3", academician_rule_warning(self.retired) or "")
        self.assertEqual(self.flagged(), {"院士乙"})

    def test_people_who_are_not_academicians_are_never_flagged(self):
        expert = Talent.objects.create(name="专家丙")
        join(expert, *self.stations)
        self.assertIsNone(academician_rule_warning(expert))
        self.assertEqual(self.flagged(), set())


class AdminWarningTests(TestCase):
    def setUp(self):
        log_in_superuser(self.client)
        self.academician = Talent.objects.create(name="院士甲", academy=Talent.Academy.CAE)
        self.first, self.second = workstation(1), workstation(2)
        join(self.academician, self.first)

    def warnings(self, response) -> list[str]:
        return [str(m) for m in response.context["messages"] if m.level == WARNING]

    def test_adding_a_membership_saves_it_and_warns(self):
        page = self.client.get(admin_url(WorkstationMember, "add"))
        data = form_data(page, workstation=self.second.pk, talent=self.academician.pk, role="academician")
        response = self.client.post(admin_url(WorkstationMember, "add"), data, follow=True)
        self.assertEqual(WorkstationMember.objects.filter(talent=self.academician).count(), 2)
        self.assertEqual(len(self.warnings(response)), 1)
        self.assertIn("院士甲", self.warnings(response)[0])
        self.assertIn("院士专家工作站", self.warnings(response)[0])

    def test_adding_the_member_on_the_workstation_page_warns(self):
        url = admin_url(Workstation, "change", self.second.pk)
        data = form_data(
            self.client.get(url),
            **{
                "workstationmember_set-TOTAL_FORMS": "1",
                "workstationmember_set-0-talent": self.academician.pk,
                "workstationmember_set-0-role": "academician",
            },
        )
        response = self.client.post(url, data, follow=True)
        self.assertEqual(self.second.members.get(), self.academician)
        self.assertEqual(len(self.warnings(response)), 1)

    def test_a_rule_keeping_membership_saves_without_warning(self):
        page = self.client.get(admin_url(WorkstationMember, "add"))
        data = form_data(
            page,
            workstation=workstation(3, Workstation.Kind.ENTERPRISE_COMMISSIONER).pk,
            talent=self.academician.pk,
            role="expert",
        )
        response = self.client.post(admin_url(WorkstationMember, "add"), data, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.warnings(response), [])

    def test_the_talent_list_filters_and_counts_them(self):
        join(self.academician, self.second)
        Talent.objects.create(name="院士丁", academy=Talent.Academy.CAS)
        response = self.client.get(admin_url(Talent, "changelist"), {"academician_rule": "over"})
        self.assertEqual([t.name for t in response.context["cl"].result_list], ["院士甲"])
        self.assertEqual(response.context["cl"].result_list[0].academician_workstations, 2)
        self.assertContains(response, "进站数超过规定")
