"""Innovation platforms (创新平台) with their member organizations and experts."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from registry.models import Platform, PlatformExpert, PlatformMember

from .base import RegistryAdmin
from .common import SOURCES_FIELDSET, DomainInline, count_column, count_of


class PlatformMemberInline(DomainInline):
    model = PlatformMember
    fields = ("organization", "role")
    autocomplete_fields = ("organization",)


class PlatformExpertInline(DomainInline):
    model = PlatformExpert
    fields = ("talent", "role", "is_flexible")
    autocomplete_fields = ("talent",)


@admin.register(Platform)
class PlatformAdmin(RegistryAdmin):
    list_display = (
        "name",
        "kind",
        "level",
        "status",
        "host",
        "opened_on",
        count_column("member_count", _("member organizations")),
        count_column("expert_count", _("experts")),
    )
    list_filter = ("kind", "level", "status", "host__division", "host__cluster")
    search_fields = ("name", "host__name", "host__aliases__name")
    date_hierarchy = "opened_on"
    list_select_related = ("host",)
    autocomplete_fields = ("host", "citations")
    annotations = {
        "member_count": count_of(PlatformMember, "platform"),
        "expert_count": count_of(PlatformExpert, "platform"),
    }
    inlines = (PlatformMemberInline, PlatformExpertInline)
    readonly_fields = ("project_list",)
    fieldsets = (
        (None, {"fields": ("name", "kind", "level", "status")}),
        (_("Host and opening"), {"fields": ("host", "opened_on", "project_list")}),
        SOURCES_FIELDSET,
    )

    @admin.display(description=_("projects"))
    def project_list(self, obj):
        # A link rather than a list: the project list applies the user's district scope.
        if obj is None or obj.pk is None:
            return "-"
        url = reverse("admin:registry_project_changelist")
        return format_html('<a href="{}?platform__id__exact={}">{}</a>', url, obj.pk, _("Projects at this platform"))


@admin.register(PlatformMember)
class PlatformMemberAdmin(RegistryAdmin):
    list_display = ("platform", "organization", "role")
    list_filter = ("role", "platform__kind")
    search_fields = ("platform__name", "organization__name", "organization__aliases__name")
    list_select_related = ("platform", "organization")
    autocomplete_fields = ("platform", "organization")
    fields = ("platform", "organization", "role")


@admin.register(PlatformExpert)
class PlatformExpertAdmin(RegistryAdmin):
    list_display = ("platform", "talent", "role", "is_flexible")
    list_filter = ("role", "is_flexible", "platform__kind")
    search_fields = ("platform__name", "talent__name")
    list_select_related = ("platform", "talent")
    autocomplete_fields = ("platform", "talent")
    fields = ("platform", "talent", "role", "is_flexible")
