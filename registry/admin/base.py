"""The base every registry admin class derives from.

History comes from django-simple-history; its revert page is ours (admin/history.py). Access rules,
spreadsheet import/export and changelist performance are mixed in here, in one place, so each model's
admin stays a declaration.
"""

from simple_history.admin import SimpleHistoryAdmin

from registry.importing.admin import SpreadsheetMixin

from .access import AccessMixin
from .history import RevertMixin
from .performance import FastChangelistMixin


class RegistryAdmin(AccessMixin, RevertMixin, SpreadsheetMixin, FastChangelistMixin, SimpleHistoryAdmin):
    list_per_page = 50
    # Skip the second, unfiltered COUNT(*) Django runs for "x of y" on filtered lists.
    show_full_result_count = False
