"""API keys in the admin: created with the token shown once, revoked (never deleted), listed with state.

Only unscoped users holding the API key permissions (系统管理员) manage keys, and a key cannot give
more than its creator has: personal data only from someone who may see it, record kinds only of
models they may view.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry import access

from .keys import ApiKey
from .resources import BY_NAME, DASHBOARD, kind_choices

CREATED_TEMPLATE = "registry/api/key_created.html"


class ApiKeyForm(forms.ModelForm):
    record_kinds = forms.MultipleChoiceField(
        label=_("record kinds"),
        choices=kind_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("What the key may read. Lookup lists (divisions, development zones) are always readable."),
    )

    class Meta:
        model = ApiKey
        fields = (
            "name",
            "expires_at",
            "all_districts",
            "divisions",
            "zones",
            "record_kinds",
            "personal_data",
            "include_pending",
            "notes",
        )

    creator: Any = None  # set by the admin: the user saving the form

    def clean(self):
        cleaned = super().clean() or {}
        some = bool(cleaned.get("divisions")) or bool(cleaned.get("zones"))
        if cleaned.get("all_districts") and some:
            raise forms.ValidationError(_("Choose either “all districts” or some divisions and zones, not both."))
        if not cleaned.get("all_districts") and not some:
            raise forms.ValidationError(_("Choose the divisions and zones the key may read, or “all districts”."))
        if cleaned.get("personal_data") and not access.can_view_personal_data(self.creator):
            self.add_error("personal_data", _("You may not see personal data, so you cannot give a key that right."))
        refused = [kind for kind in cleaned.get("record_kinds", ()) if not may_grant(self.creator, kind)]
        if refused:
            self.add_error(
                "record_kinds",
                _("You may not view these records yourself: %(kinds)s") % {"kinds": "、".join(refused)},
            )
        expires_at = cleaned.get("expires_at")
        if expires_at and expires_at <= timezone.now() and not self.instance.pk:
            self.add_error("expires_at", _("A new key must expire in the future."))
        return cleaned


def may_grant(user, kind: str) -> bool:
    if kind == DASHBOARD:
        return True
    opts = BY_NAME[kind].model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ("name", "prefix", "state", "expires_at", "last_used_at", "created_by", "created_at")
    list_filter = ("all_districts", "personal_data", "include_pending")
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    filter_horizontal = ("divisions", "zones")
    actions = ["revoke"]

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.is_revoked:
            return gettext("revoked")
        if obj.is_expired:
            return gettext("expired")
        return gettext("valid")

    # A key can give the whole city: scoped users do not manage keys at all.
    def has_module_permission(self, request):
        return not access.is_scoped(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return not access.is_scoped(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return not access.is_scoped(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return not access.is_scoped(request.user) and super().has_change_permission(request, obj)

    # Keys are revoked, never deleted, so the audit log's calls keep pointing at a known key.
    def has_delete_permission(self, request, obj=None):
        return False

    # The form checks what the creator may grant.
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"creator": request.user})

    # A new key gets its token here; it is kept on the request only to be shown once.
    def save_model(self, request, obj, form, change):
        if not change:
            request._api_token = obj.set_token()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    # Shows the token on the answer itself (never in a message, a cookie or the session).
    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(request, "_api_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "key": obj,
            "token": token,
            "title": gettext("API key created"),
            "example_url": request.build_absolute_uri(reverse("api-talents-list")),
        }
        response = TemplateResponse(request, CREATED_TEMPLATE, context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected API keys"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, gettext("%(count)d API keys revoked.") % {"count": count})
