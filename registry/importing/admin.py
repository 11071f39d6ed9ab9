"""Admin integration of spreadsheet import and export."""


class SpreadsheetMixin:
    pass
