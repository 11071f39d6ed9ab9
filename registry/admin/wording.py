"""What the record screens say, in the words staff use: list titles named as on the index, a
history list without field codes, "None" or an empty arrow, and an export page listing the file's
own Chinese columns with xlsx chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export.forms import ExportForm

from registry import pinyin
from registry.importing.columns import columns_for

if TYPE_CHECKING:
    # What the mixin is mixed into (at run time it sits before it in the MRO).
    from simple_history.admin import SimpleHistoryAdmin as AdminBase
else:
    AdminBase = object

EMPTY_BEFORE = _("(empty)")
CLEARED = _("cleared")


class XlsxFirstExportForm(ExportForm):
    """The export form with the first format (xlsx) chosen instead of an empty "---"."""

    def _init_formats(self, formats):
        super()._init_formats(formats)
        self.fields["format"].choices = [choice for choice in self.fields["format"].choices if choice[0] != ""]
        self.initial.setdefault("format", "0")


class WordingMixin(AdminBase):
    """ModelAdmin mixin for the registry's record screens (before SpreadsheetMixin, which it words)."""

    object_history_list_template = "registry/history/list.html"
    export_form_class = XlsxFirstExportForm

    # django-import-export lists its resource's field names (id, created_at, ...); the file has the
    # registry's own Chinese columns (registry/importing/writing.py).
    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        labels = [column.label for column in columns_for(self.model)]
        context["fields_list"] = [(capfirst(self.model._meta.verbose_name_plural), labels)]
        return context

    # The list is titled with the name it has on the index and in the sidebar ("奖补与后补助"),
    # not Django's "Select subsidy or award to change".
    def changelist_view(self, request, extra_context=None):
        title = {"title": capfirst(self.model._meta.verbose_name_plural)}
        return super().changelist_view(request, {**title, **(extra_context or {})})

    # The history list's changes (simple-history's, with the links of LinkHistoryMixin) without the
    # pinyin sort keys (they follow the name) and with an emptied value said in words.
    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        super().set_history_delta_changes(request, records, foreign_keys_are_objs)
        derived = {capfirst(field.verbose_name) for field in pinyin.sort_key_fields(self.model)}
        for record in records:
            changes = getattr(record, "history_delta_changes", None)
            if changes is not None:
                record.history_delta_changes = [worded(change) for change in changes if change["field"] not in derived]


def worded(change: dict) -> dict:
    """A change of the history list with an empty old value as (empty) and an emptied one as cleared."""
    blank = ("", "None")
    return {
        **change,
        "old": EMPTY_BEFORE if str(change["old"]) in blank else change["old"],
        "new": CLEARED if str(change["new"]) in blank else change["new"],
    }
