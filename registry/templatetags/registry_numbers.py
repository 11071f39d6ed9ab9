"""Template filters for numbers as staff read them (registry/numbers.py)."""

from django import template

from registry import numbers

register = template.Library()
register.filter("plain", numbers.plain)
register.filter("report_number", numbers.report_number)
