"""The revert page of the history ("还原到此版本"): a diff of what will change and one button.

Replaces django-simple-history's revert view, which showed an editable form, saved whatever was
posted and needed only view permission. Here nothing posted is used: the values come from the
historical row, and registry.history.revert() checks permission and scope before it saves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from registry import access, history

if TYPE_CHECKING:
    # What the mixin is mixed into (at run time it sits before this class in the MRO).
    from simple_history.admin import SimpleHistoryAdmin as AdminBase
else:
    AdminBase = object


class RevertMixin(AdminBase):
    revert_template = "registry/history/revert.html"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.current_app = self.admin_site.name
        object_id = unquote(object_id)
        record = self.model.history.filter(**{self.opts.pk.attname: object_id, "history_id": version_id}).first()
        if record is None:
            raise Http404
        current = self.get_queryset(request).filter(pk=object_id).first()
        if current is None and self.model._default_manager.filter(pk=object_id).exists():
            raise Http404  # it exists but lies outside the user's districts
        if not self.has_view_or_change_permission(request, current):
            raise PermissionDenied
        allowed, reason = self._revert_allowed(request, current)
        if request.method == "POST":
            if not allowed:
                raise PermissionDenied
            try:
                saved = history.revert(current, record, request.user)
            except ValidationError as error:
                messages.error(request, _("Nothing was reverted: %(errors)s") % {"errors": " ".join(error.messages)})
            except PermissionDenied as error:
                messages.error(request, _("Nothing was reverted: %(errors)s") % {"errors": error})
            else:
                messages.success(request, _("“%(record)s” was reverted to this version.") % {"record": saved})
                return HttpResponseRedirect(self._history_url(object_id))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revert to this version"),
            "opts": self.opts,
            "object_id": object_id,
            "original": current or record.instance,
            "record": record,
            "changes": history.changes(current, record, request.user),
            "personal_kept": [
                str(self.opts.get_field(name).verbose_name) for name in access.hidden_fields(request.user, self.model)
            ],
            "allowed": allowed,
            "refusal": reason,
            "history_url": self._history_url(object_id),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.revert_template, context)

    def _revert_allowed(self, request, current) -> tuple[bool, str]:
        """Whether the user may revert this record, and if not, why (shown on the page)."""
        try:
            history.check_allowed(request.user, self.model, current)
        except PermissionDenied as error:
            return False, str(error)
        return True, ""

    def _history_url(self, object_id) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[object_id])

    # The history list shows rows written by a revert as 已还原 instead of 已修改.
    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            if history.is_revert(record):
                record.get_history_type_display = lambda: _("Reverted")
