"""Accounts and audit: users with their district scope, and the read-only audit log."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry import access
from registry.models import AuditEvent, StaffScope

User = get_user_model()


class StaffScopeInline(admin.StackedInline):
    model = StaffScope
    can_delete = True
    max_num = 1
    filter_horizontal = ("divisions", "zones")


class RegistryUserAdmin(UserAdmin):
    inlines = [StaffScopeInline]
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    # UserAdmin's declarations extended (mypy reads them as generic instance variables of the class).
    list_display = (*UserAdmin.list_display, "district_scope")  # type: ignore[misc]
    fieldsets = (*UserAdmin.fieldsets, (_("District scope"), {"fields": ("district_scope",)}))  # type: ignore[misc]
    readonly_fields = ("district_scope",)

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


admin.site.unregister(User)
admin.site.register(User, RegistryUserAdmin)


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
