"""The one base class of every registry admin.

History comes from django-simple-history, many-to-many links included (link_history.py); its revert
page is ours (admin/history.py). Access rules, review (admin/review.py), spreadsheet import/export,
changelist performance and pinyin order are mixed in here, in one place, so each model's admin stays a
declaration.
The query conventions of the screens live here too: `list_select_related` names the relations
`__str__` and the columns follow, `annotations` maps attribute names to expressions (counts) added
to every queryset of the admin.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Expression, QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from registry.importing.admin import SpreadsheetMixin
from registry.models import Citation

from .access import AccessMixin
from .history import RevertMixin
from .link_history import LinkHistoryMixin
from .ordering import PinyinOrderingMixin
from .performance import FastChangelistMixin
from .review import ReviewMixin
from .wording import WordingMixin


class RegistryAdmin(
    AccessMixin,
    ReviewMixin,
    RevertMixin,
    WordingMixin,
    SpreadsheetMixin,
    FastChangelistMixin,
    LinkHistoryMixin,
    PinyinOrderingMixin,
    SimpleHistoryAdmin,
):
    list_per_page = 50
    # Skip the second, unfiltered COUNT(*) Django runs for "x of y" on filtered lists.
    show_full_result_count = False
    save_on_top = True
    annotations: dict[str, Expression] = {}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Autocomplete answers and change forms print __str__ too, so they need the joins as well.
        queryset = super().get_queryset(request)
        if isinstance(self.list_select_related, (list, tuple)) and self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        if self.annotations:
            queryset = queryset.annotate(**self.annotations)
        return queryset

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField | None:
        # A citation prints its source's title; fetch the sources with the selected citations.
        if db_field.related_model is Citation:
            kwargs.setdefault("queryset", Citation.objects.select_related("source"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
