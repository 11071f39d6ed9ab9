"""Changelists sorted by a name in pinyin order, also when staff click the column header."""

from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models.expressions import OrderBy

from registry import pinyin


class PinyinChangeList(ChangeList):
    """Django's changelist; a sort by a name column ("name", "-name") becomes a pinyin sort."""

    def get_ordering(self, request, queryset):
        model = self.lookup_opts.model
        return [pinyin.ordering_term(model, part) for part in super().get_ordering(request, queryset)]

    # Django finds the sorted column of the default order only for plain names and F(); show the
    # arrow on a name column sorted by Pinyin("name") too.
    def get_ordering_field_columns(self):
        columns = super().get_ordering_field_columns()
        if ORDER_VAR in self.params:
            return columns
        for part in self.model_admin.ordering or self.lookup_opts.ordering or ():
            term = part if isinstance(part, OrderBy) else getattr(part, "asc", lambda: None)()
            if isinstance(term, OrderBy) and isinstance(term.expression, pinyin.Pinyin):
                for index, name in enumerate(self.list_display):
                    if self.get_ordering_field(name) == term.expression.name:
                        columns.setdefault(index, "desc" if term.descending else "asc")
                        break
        return columns


class PinyinOrderingMixin:
    """ModelAdmin mixin: the changelist above."""

    def get_changelist(self, request, **kwargs):
        return PinyinChangeList
