"""Spreadsheet import and export built on django-import-export."""
