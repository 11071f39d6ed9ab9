"""The base every registry admin class derives from.

History with revert comes from django-simple-history. Access rules, spreadsheet import/export and
changelist performance are mixed in here, in one place, so each model's admin stays a declaration.
"""

from simple_history.admin import SimpleHistoryAdmin

from registry.importing.admin import SpreadsheetMixin

from .access import AccessMixin
from .performance import FastChangelistMixin


class RegistryAdmin(AccessMixin, SpreadsheetMixin, FastChangelistMixin, SimpleHistoryAdmin):
    list_per_page = 50
    # Skip the second, unfiltered COUNT(*) Django runs for "x of y" on filtered lists.
    show_full_result_count = False
