"""Accounts and audit: users with their district scope, and the read-only audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry import access, roles
from registry.models import AuditEvent, StaffScope

if TYPE_CHECKING:
    # What the mixin is mixed into (at run time it sits before it in the MRO).
    from django.contrib.admin import ModelAdmin

    AdminBase = ModelAdmin[Any]
else:
    AdminBase = object

User = get_user_model()
# Permission codenames start with the action; Django stores the names in English ("Can add log entry").
PERMISSION_ACTIONS = {
    "add": _("Add"),
    "change": _("Change"),
    "delete": _("Delete"),
    "view": _("View"),
    "import": _("Import"),
    "export": _("Export"),
}


def permission_label(permission) -> str:
    """A permission in the words of the screen it opens: "人才 · 增加" instead of "Can add talent"."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    kind = capfirst(model._meta.verbose_name) if model else permission.content_type.name
    if model is not None and model_name == model._meta.model_name and action in PERMISSION_ACTIONS:
        return f"{kind} · {PERMISSION_ACTIONS[action]}"
    return f"{kind} · {gettext(permission.name)}"


def role_descriptions():
    """What each role may do, listed under the groups of the user page."""
    return format_html_join("", "<br><strong>{}</strong>：{}", ((role.name, role.purpose) for role in roles.ROLES))


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    """Permissions to choose from, each labelled by permission_label()."""

    def label_from_instance(self, obj: Permission) -> str:
        return permission_label(obj)


class PermissionLabelsMixin(AdminBase):
    """Permission choices labelled in Chinese (both the user and the group page list them)."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("user_permissions", "permissions"):
            kwargs.setdefault("form_class", PermissionChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class StaffScopeInline(admin.StackedInline):
    model = StaffScope
    can_delete = True
    max_num = 1
    filter_horizontal = ("divisions", "zones")


class RegistryUserAdmin(PermissionLabelsMixin, UserAdmin):
    inlines = [StaffScopeInline]
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    # UserAdmin's declarations extended (mypy reads them as generic instance variables of the class).
    list_display = (*UserAdmin.list_display, "district_scope")  # type: ignore[misc]
    fieldsets = (*UserAdmin.fieldsets, (_("District scope"), {"fields": ("district_scope",)}))  # type: ignore[misc]
    readonly_fields = ("district_scope",)

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
                "description": _(
                    "A new account may sign in to this site (staff status is on); choose its roles on the next page."
                ),
            },
        ),
    )

    # Accounts made here are for bureau staff, who sign in to this site: staff status starts on.
    def save_model(self, request, obj, form, change):
        if not change:
            obj.is_staff = True
        super().save_model(request, obj, form, change)

    # The groups are the roles: say under them what each may do.
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.help_text = format_html_join("", "{}", [(field.help_text,)]) + role_descriptions()
        return field

    @admin.display(description=_("district scope"))
    def district_scope(self, user):
        return scope_summary(user)


def scope_summary(user) -> str:
    """What the user's scope lets them see, in words: city-wide, some districts, or nothing."""
    if user.pk is None:
        return ""
    if user.is_superuser:
        return gettext("City-wide (superuser)")
    districts = access.user_districts(user)
    if districts is None:
        return gettext("City-wide (no district scope)")
    if not (districts.divisions or districts.zones):
        return gettext("Empty scope: sees no record (add districts, or delete the scope to make the user city-wide)")
    return gettext("Only: %(districts)s") % {"districts": access.district_names(user)}


class RegistryGroupAdmin(PermissionLabelsMixin, GroupAdmin):
    pass


admin.site.unregister(User)
admin.site.register(User, RegistryUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, RegistryGroupAdmin)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "username", "ip_address", "model", "rows", "file_name")
    list_filter = ("kind", "at", "model")
    search_fields = ("username", "ip_address", "file_name")
    date_hierarchy = "at"
    list_select_related = ("user",)

    # The log is written by the system only: nobody adds, edits or deletes events.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
