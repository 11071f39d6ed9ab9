"""The base every registry admin class derives from.

History with revert comes from django-simple-history. Spreadsheet import/export, personal-data
masking and district scope are added here, in one place, so each model's admin stays a declaration.
"""

from simple_history.admin import SimpleHistoryAdmin


class RegistryAdmin(SimpleHistoryAdmin):
    list_per_page = 50
    # Skip the second, unfiltered COUNT(*) Django runs for "x of y" on filtered lists.
    show_full_result_count = False
