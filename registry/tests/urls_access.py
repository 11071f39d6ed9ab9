"""URLs for the masking and scope tests: admins that show, search and link personal fields."""

from registry.admin.base import RegistryAdmin
from registry.models import Commissioner, Talent
from registry.tests.access_support import build_site, urlpatterns_for


class TalentAccessAdmin(RegistryAdmin):
    list_display = ("name", "id_number", "phone", "employer")
    search_fields = ("name", "id_number", "phone", "email")
    list_filter = ("gender", "birth_date")
    history_list_display = ("phone", "employer")
    fieldsets = [
        (None, {"fields": ("name", "gender", ("id_type", "id_number"), "employer")}),
        ("contact", {"fields": ("phone", "email", "birth_date")}),
    ]


class CommissionerAccessAdmin(RegistryAdmin):
    autocomplete_fields = ("talent", "organization")
    search_fields = ("talent__name", "talent__id_number", "organization__name")


site = build_site(extra={Talent: TalentAccessAdmin, Commissioner: CommissionerAccessAdmin})
urlpatterns = urlpatterns_for(site)
