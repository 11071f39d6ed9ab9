"""Identifiers are checked (credit code, identity number, phone) with Chinese errors naming the field."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase
from django.utils import translation

from registry.models import Organization, Talent
from registry.validators import validate_credit_code, validate_id_number, validate_phone

from .admin_pages import admin_url, form_data, log_in_superuser

VALID_CREDIT_CODES = ["91110000600037341L", "91350100M000100Y43", "91110108551385082Q"]
VALID_ID_NUMBERS = ["11010519491231002X", "150102197003071238", "810000199003071237"]


def error_code(check, value):
    try:
        check(value)
    except ValidationError as error:
        return error.code
    return None


class CreditCodeTests(SimpleTestCase):
    def test_valid_codes_from_the_domain_notes_pass(self):
        for code in VALID_CREDIT_CODES + ["91110000600037341l", " 91350100M000100Y43 "]:
            with self.subTest(code=code):
                validate_credit_code(code)

    def test_wrong_check_character_is_refused_naming_the_right_one(self):
        with translation.override("zh-hans"), self.assertRaises(ValidationError) as caught:
            validate_credit_code("91350100M000100Y4Z")
        self.assertEqual(caught.exception.code, "credit_code_check")
        message = caught.exception.messages[0]
        self.assertIn("91350100M000100Y4Z", message)
        self.assertIn("3", message)
        self.assertIn("校验", message)

    def test_bad_format_is_refused(self):
        for code in ["91350100M000100Y4", "9135010OM000100Y43", "9I350100M000100Y43", "", "91ABCDEFM000100Y43"]:
            with self.subTest(code=code):
                self.assertEqual(error_code(validate_credit_code, code), "credit_code_format")


class IdentityNumberTests(SimpleTestCase):
    def test_valid_numbers_pass_including_old_area_codes_and_hong_kong_permits(self):
        for number in VALID_ID_NUMBERS + ["11010519491231002x"]:
            with self.subTest(number=number):
                validate_id_number(number)

    def test_a_wrong_check_digit_is_refused_naming_the_right_one(self):
        for number, expected in [("110105194912310021", "X"), ("150102197003071239", "8"), ("810000199003071230", "7")]:
            with self.subTest(number=number), translation.override("zh-hans"):
                with self.assertRaises(ValidationError) as caught:
                    validate_id_number(number)
                self.assertEqual(caught.exception.code, "id_number_check")
                self.assertIn(expected, caught.exception.messages[0])

    def test_impossible_or_future_birth_dates_are_refused(self):
        tomorrow = datetime.date.today() + datetime.timedelta(days=1)
        for body in [
            "15010219700230123",
            "15010219701301123",
            "15010218000101123",
            "150102" + tomorrow.strftime("%Y%m%d") + "123",
        ]:
            number = body + "X"
            with self.subTest(number=number):
                self.assertEqual(error_code(validate_id_number, number), "id_number_birth_date")

    def test_wrong_length_or_letters_are_refused(self):
        for number in ["15010219700307123", "1501021970030712388", "15010219700307123A", "A50102197003071238"]:
            with self.subTest(number=number):
                self.assertEqual(error_code(validate_id_number, number), "id_number_format")


class PhoneTests(SimpleTestCase):
    def test_mobile_and_landline_numbers_pass(self):
        for phone in [
            "13812345678",
            "+86 138 1234 5678",
            "0471-1234567",
            "04711234567",
            "(0471)1234567",
            "010-12345678-123",
        ]:
            with self.subTest(phone=phone):
                validate_phone(phone)

    def test_other_strings_are_refused(self):
        for phone in ["12345678901", "1381234567", "471-1234567", "电话", "138123456789"]:
            with self.subTest(phone=phone):
                self.assertEqual(error_code(validate_phone, phone), "phone")


class ModelValidationTests(TestCase):
    def errors(self, record) -> dict:
        with translation.override("zh-hans"), self.assertRaises(ValidationError) as caught:
            record.full_clean()
        return caught.exception.message_dict

    def test_organization_credit_code_error_is_on_the_field_in_chinese(self):
        errors = self.errors(Organization(name="某公司", credit_code="91350100M000100Y4Z"))
        self.assertEqual(list(errors), ["credit_code"])
        self.assertIn("统一社会信用代码", errors["credit_code"][0])

    def test_organization_credit_code_is_stored_upper_case_and_empty_as_null(self):
        organization = Organization(name="某公司", credit_code="91110000600037341l")
        organization.full_clean()
        self.assertEqual(organization.credit_code, "91110000600037341L")
        organization.credit_code = ""
        organization.full_clean()
        self.assertIsNone(organization.credit_code)

    def test_talent_identity_number_error_is_on_the_field(self):
        errors = self.errors(Talent(name="张三", id_number="150102197002301238"))
        self.assertEqual(list(errors), ["id_number"])
        self.assertIn("出生日期", errors["id_number"][0])

    def test_talent_birth_date_comes_from_the_identity_number_and_must_match_it(self):
        talent = Talent(name="张三", id_number="150102197003071238")
        talent.full_clean()
        self.assertEqual(talent.birth_date, datetime.date(1970, 3, 7))
        self.assertEqual(talent.id_type, Talent.IdType.RESIDENT)
        errors = self.errors(Talent(name="李四", id_number="150102197003071238", birth_date=datetime.date(1970, 3, 8)))
        self.assertEqual(list(errors), ["birth_date"])
        self.assertIn("1970-03-07", errors["birth_date"][0])

    def test_passport_numbers_are_not_checked_as_identity_numbers(self):
        Talent(name="John Smith", id_type=Talent.IdType.PASSPORT, id_number="E12345678").full_clean()

    def test_bad_phone_is_refused_on_the_field(self):
        errors = self.errors(Talent(name="张三", phone="12345"))
        self.assertEqual(list(errors), ["phone"])
        self.assertIn("电话", errors["phone"][0])


class AdminFormTests(TestCase):
    """Bad values typed into the admin come back with the Chinese error next to the field."""

    def setUp(self):
        log_in_superuser(self.client)

    def submit_add_form(self, model, **values):
        page = self.client.get(admin_url(model, "add"))
        response = self.client.post(admin_url(model, "add"), form_data(page, **values))
        self.assertEqual(response.status_code, 200, "the form was accepted")
        self.assertFalse(model.objects.exists())
        return response

    def assert_error_next_to(self, response, field: str, text: str):
        errors = response.context["adminform"].form.errors
        self.assertIn(field, errors)
        self.assertIn(text, " ".join(errors[field]))
        # The message is printed inside the field's own row, which the admin marks as having errors.
        row = re.search(
            rf'(?s)<div class="form-row[^"]*errors[^"]*field-{field}[" ](?:(?!<div class="form-row).)*',
            response.content.decode(),
        )
        self.assertIsNotNone(row)
        self.assertIn(text, row.group(0))

    def test_credit_code_with_a_wrong_check_character(self):
        response = self.submit_add_form(
            Organization, name="某公司", kind="enterprise", credit_code="91350100M000100Y4Z"
        )
        self.assert_error_next_to(response, "credit_code", "校验")

    def test_identity_number_with_a_wrong_check_digit(self):
        response = self.submit_add_form(Talent, name="张三", id_number="150102197003071239")
        self.assert_error_next_to(response, "id_number", "校验")

    def test_phone_number(self):
        response = self.submit_add_form(Talent, name="张三", phone="0471")
        self.assert_error_next_to(response, "phone", "电话")
