"""Admin side of merging duplicates: the “合并到…” action and the 疑似重复 page (registry.merging,
registry.duplicates)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import access, merging
from registry.duplicates import DuplicateGroup

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    AdminBase = ModelAdmin[Any]  # what the mixin is mixed into
else:
    AdminBase = object


@dataclass(frozen=True)
class RecordRow:
    """A record as the merge and duplicates pages list it: its name and a few distinguishing values."""

    record: object
    values: list[str]


class MergeMixin(AdminBase):
    """The “合并到…” action and the 疑似重复 page of an admin. Subclasses set `merge_columns` (fields that
    tell the records apart, personal ones masked for users who may not see them) and `find_duplicates`."""

    merge_columns: tuple[str, ...] = ()
    find_duplicates: Callable[..., list[DuplicateGroup]]  # a staticmethod of each admin
    actions: Any = ["merge_into"]
    # django-import-export picks the changelist template from this name (its buttons plus ours).
    import_export_change_list_template = "registry/merging/change_list.html"

    def get_urls(self):
        duplicates = path(
            "duplicates/",
            self.admin_site.admin_view(self.duplicates_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_duplicates",
        )
        return [duplicates, *super().get_urls()]

    # Merging deletes the merged records: it needs change and delete, within the user's districts.
    def has_merge_permission(self, request):
        return (
            self.has_change_permission(request)
            and self.has_delete_permission(request)
            and access.may_edit(request.user, self.model)
        )

    def record_rows(self, request, records) -> list[RecordRow]:
        hidden = set(access.hidden_fields(request.user, self.model))
        rows = []
        for record in records:
            values = []
            for name in self.merge_columns:
                value = getattr(record, name)
                values.append(access.mask(value) if name in hidden else "" if value is None else str(value))
            rows.append(RecordRow(record, values))
        return rows

    def column_labels(self) -> list[str]:
        return [merging.field_label(self.model, name) for name in self.merge_columns]

    @admin.action(description=gettext_lazy("Merge into…"), permissions=["merge"])
    def merge_into(self, request, queryset):
        records = sorted(queryset[: merging.MAX_MERGED + 2], key=lambda record: record.pk)
        if len(records) < 2:
            self.message_user(request, _("Choose at least two records to merge."), messages.WARNING)
            return None
        keep = next((r for r in records if str(r.pk) == request.POST.get("keep")), records[0])
        others = [record for record in records if record is not keep]
        if request.POST.get("confirm") == "yes":
            try:
                merging.merge(request.user, self.model, keep.pk, [other.pk for other in others], request)
            except merging.MergeRefused as refused:
                for problem in refused.problems:
                    self.message_user(request, problem, messages.ERROR)
            else:
                self.message_user(request, merging.merge_reason(keep, others), messages.SUCCESS)
                change = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
                return HttpResponseRedirect(reverse(change, args=[keep.pk]))
        plan = merging.plan_merge(request.user, keep, others)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge %(model)s") % {"model": self.opts.verbose_name_plural},
            "opts": self.opts,
            "rows": self.record_rows(request, records),
            "labels": self.column_labels(),
            "keep": keep,
            "plan": plan,
            "moved": [(moved.reference.label, len(moved.pks)) for moved in plan.moved],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "registry/merging/merge.html", context)

    def duplicates_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = access.scope_queryset(request.user, self.model._default_manager.all())
        groups = self.find_duplicates(queryset)
        wanted = {pk for group in groups for pk in group.pks}
        records = self.get_queryset(request).filter(pk__in=wanted).in_bulk() if wanted else {}
        listed = [
            (group.reason, self.record_rows(request, [records[pk] for pk in group.pks if pk in records]))
            for group in groups
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Suspected duplicates: %(model)s") % {"model": self.opts.verbose_name_plural},
            "opts": self.opts,
            "groups": [(reason, rows) for reason, rows in listed if len(rows) > 1],
            "labels": self.column_labels(),
            "may_merge": self.has_merge_permission(request),
            "limit": merging.MAX_MERGED,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "registry/merging/duplicates.html", context)
