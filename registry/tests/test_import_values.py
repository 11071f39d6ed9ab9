"""Cell values as Chinese Excel writes them are read correctly, and anything else is refused."""

import datetime
import decimal
import time

from django.test import SimpleTestCase

from registry.importing import values


class DateTests(SimpleTestCase):
    def test_accepted_date_forms(self):
        expected = datetime.date(2024, 1, 5)
        for raw in (
            expected,
            datetime.datetime(2024, 1, 5, 0, 0),
            45296,
            45296.0,
            "45296",
            "2024-01-05",
            "2024/1/5",
            "2024.1.5",
            "2024年1月5日",
            "2024年01月05日",
            " 2024-1-5 ",
            "２０２４－０１－０５",
            "20240105",
            "2024-01-05 00:00:00",
        ):
            with self.subTest(raw=raw):
                self.assertEqual(values.parse_date(raw), expected)

    def test_refused_dates(self):
        for raw in ("2024-13-01", "2024-02-30", "next week", "5/1/2024", -3, 10**9, float("inf"), True):
            with self.subTest(raw=raw), self.assertRaises(ValueError):
                values.parse_date(raw)


class BooleanTests(SimpleTestCase):
    def test_true_and_false_words(self):
        for raw in ("是", "Y", "y", "true", "TRUE", "1", 1, 1.0, True):
            with self.subTest(raw=raw):
                self.assertIs(values.parse_bool(raw), True)
        for raw in ("否", "N", "false", "0", 0, 0.0, False):
            with self.subTest(raw=raw):
                self.assertIs(values.parse_bool(raw), False)

    def test_anything_else_is_an_error_not_false(self):
        for raw in ("也许", "2", "yess", 2, "-"):
            with self.subTest(raw=raw), self.assertRaises(ValueError):
                values.parse_bool(raw)


class NumberTests(SimpleTestCase):
    def test_normalised_numbers(self):
        self.assertEqual(values.parse_integer("１２３"), 123)
        self.assertEqual(values.parse_integer("1,234,567"), 1234567)
        self.assertEqual(values.parse_integer(" 12 345 "), 12345)
        self.assertEqual(values.parse_integer(42.0), 42)
        self.assertEqual(values.parse_decimal("1，234.50"), decimal.Decimal("1234.50"))

    def test_xls_float_in_text_column_loses_point_zero(self):
        self.assertEqual(values.parse_text(13900000000.0), "13900000000")
        self.assertEqual(values.parse_text("13900000000.0"), "13900000000")
        self.assertEqual(values.parse_text("１３９００００００００"), "13900000000")
        self.assertEqual(values.parse_text("内蒙古（呼和浩特）公司"), "内蒙古（呼和浩特）公司")

    def test_refused_numbers(self):
        for raw in ("12a", "1.5.2", "", "--1", float("nan"), True):
            with self.subTest(raw=raw), self.assertRaises(ValueError):
                values.parse_decimal(raw)
        with self.assertRaises(ValueError):
            values.parse_integer("1.5")

    def test_pathological_numbers_are_refused_quickly(self):
        started = time.perf_counter()
        for raw in ("1e1000000", "9" * 100_000, "1" + "0" * 5000):
            with self.subTest(raw=raw[:20]), self.assertRaises(ValueError):
                values.parse_integer(raw)
            with self.assertRaises(ValueError):
                values.parse_decimal(raw)
        # Not a timing test of the feature, a guard that refusal does not parse the digits.
        self.assertLess(time.perf_counter() - started, 1.0)
