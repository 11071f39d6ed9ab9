"""Who a row is: namesakes at one employer are two people; identity numbers and registration numbers
identify records when present; a cell naming namesakes says who they are."""

from django.test import TestCase
from django.utils import translation

from registry import access, roles
from registry.importing import service
from registry.models import Organization, Talent, TechnologyBroker
from registry.tests.access_support import valid_id_number
from registry.tests.impexp_support import csv_text
from registry.tests.support import make_user

from .admin_pages import admin_url, form_data, log_in_superuser


class NamesakeFormTests(TestCase):
    def test_two_namesakes_at_one_employer_can_both_be_registered_by_form(self):
        log_in_superuser(self.client)
        employer = Organization.objects.create(name="内蒙古大学")
        for first17 in ("15010219800101123", "15010219850505123"):
            page = self.client.get(admin_url(Talent, "add"))
            data = form_data(page, name="张伟", employer=str(employer.pk), id_number=valid_id_number(first17))
            response = self.client.post(admin_url(Talent, "add"), data)
            self.assertEqual(response.status_code, 302, "the second namesake was refused")
        self.assertEqual(Talent.objects.filter(name="张伟", employer=employer).count(), 2)


class NamesakeInCellTests(TestCase):
    """A cell naming a talent who has a namesake at the same employer is refused with who they are:
    their identity numbers, masked for staff who may not see them, and how to name one."""

    def setUp(self):
        translation.activate("zh-hans")
        self.addCleanup(translation.deactivate)
        employer = Organization.objects.create(name="内蒙古大学")
        self.numbers = [valid_id_number(first17) for first17 in ("15010219800101123", "15010219850505123")]
        self.people = [Talent.objects.create(name="张伟", employer=employer, id_number=n) for n in self.numbers]

    def plan(self, user, cell):
        data = csv_text([["人才", "证书编号"], [cell, "JJ-001"]]).encode("utf-8")
        return service.validate(TechnologyBroker, data, "经纪人.csv", user)[0]

    def test_the_refusal_names_the_candidates_masked_for_staff_without_personal_data(self):
        clerk = make_user(roles.DATA_ENTRY, username="clerk")
        (error,) = self.plan(clerk, "张伟 / 内蒙古大学").errors
        self.assertEqual((error.row, error.column, error.value), (2, "人才", "张伟 / 内蒙古大学"))
        self.assertIn("对应 2 个人才", error.message)
        for number in self.numbers:
            self.assertNotIn(number, error.message)
            self.assertIn(access.mask(number), error.message)
        self.assertIn("个人信息查看", error.message)

    def test_staff_who_see_personal_data_are_told_to_write_the_identity_number(self):
        officer = make_user(roles.DATA_ENTRY, roles.PERSONAL_DATA, username="officer")
        (error,) = self.plan(officer, "张伟 / 内蒙古大学").errors
        for number in self.numbers:
            self.assertIn(number, error.message)
        self.assertIn("请改写为证件号码", error.message)
        plan = self.plan(officer, self.numbers[1])
        self.assertEqual(plan.errors, [])
        service.apply_plan(plan, officer, "经纪人.csv")
        self.assertEqual(TechnologyBroker.objects.get().talent, self.people[1])
