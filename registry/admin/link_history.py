"""Admin side of many-to-many history: one historical row per save, link changes shown by name.

See registry.link_history for how the links are kept.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from registry.link_history import LinkChange, link_changes, link_fields, links_recorded

if TYPE_CHECKING:
    from simple_history.admin import SimpleHistoryAdmin as AdminBase  # what the mixin is mixed into
else:
    AdminBase = object

NAMES_JOIN = "、"
NOTHING = "—"


def related_names(changes: list[LinkChange]) -> dict[tuple[type[models.Model], Any], str]:
    """{(related model, pk): display name} for every record the changes name, one query per model;
    records deleted since (merged away, for instance) are named from their own history."""
    wanted: dict[Any, set[Any]] = defaultdict(set)
    for change in changes:
        wanted[change.field.related_model] |= change.added | change.removed
    names: dict[tuple[type[models.Model], Any], str] = {}
    for model, pks in wanted.items():
        # select_related() follows the required links __str__ often prints (a citation's source).
        for obj in model._default_manager.filter(pk__in=pks).select_related():
            names[(model, obj.pk)] = str(obj)
        missing = [pk for pk in pks if (model, pk) not in names]
        if missing and hasattr(model, "history"):
            pk_name = model._meta.pk.attname
            for record in model.history.filter(**{pk_name + "__in": missing}).order_by("history_date"):
                names[(model, getattr(record, pk_name))] = _("%(name)s (deleted)") % {"name": record.instance}
    return names


def describe_link_change(change: LinkChange, names: dict) -> dict:
    """A history-page entry for one field: the removed names before the arrow, the added ones after."""
    model = change.field.related_model

    def listed(pks, template):
        if not pks:
            return NOTHING
        labels = sorted(names.get((model, pk)) or _("deleted record #%(pk)s") % {"pk": pk} for pk in pks)
        return template % {"names": NAMES_JOIN.join(labels)}

    return {
        "field": capfirst(change.field.verbose_name),
        "old": listed(change.removed, _("removed: %(names)s")),
        "new": listed(change.added, _("added: %(names)s")),
    }


class LinkHistoryMixin(AdminBase):
    """Mixed into RegistryAdmin before SimpleHistoryAdmin."""

    # One save, one historical row: the links saved after the record go into that row's snapshot.
    def save_related(self, request, form, formsets, change):
        with links_recorded(form.instance):
            super().save_related(request, form, formsets, change)

    # simple-history diffs links with two queries per field and version; here one query per field
    # for the page, and the names of what was added or removed instead of lists of link rows.
    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        fields = [field.name for field in link_fields(self.model)]
        if not fields:
            return super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        pairs = list(zip(records, records[1:]))
        for newer, older in pairs:
            delta = newer.diff_against(older, excluded_fields=fields, foreign_keys_are_objs=foreign_keys_are_objs)
            helper = self.get_historical_record_context_helper(request, newer)
            newer.history_delta_changes = helper.context_for_delta_changes(delta)
        changes = link_changes(self.model, [(newer.history_id, older.history_id) for newer, older in pairs])
        names = related_names([change for listed in changes.values() for change in listed])
        for newer, _older in pairs:
            newer.history_delta_changes += [
                describe_link_change(change, names) for change in changes.get(newer.history_id, ())
            ]
