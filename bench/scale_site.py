"""WSGI entry for the scale benchmark: the project's application, plus minimal Talent and
TechContract admins when the project has not registered its own (so the benchmark also runs on a
branch without them). The declarations are what docs/scaling.md asks of the real admins."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from django.contrib import admin  # noqa: E402

from registry.admin.base import RegistryAdmin  # noqa: E402
from registry.models import Talent, TechContract  # noqa: E402


class BenchTalentAdmin(RegistryAdmin):
    list_display = ("name", "gender", "degree", "employer", "tier", "introduction_mode", "introduced_on")
    list_filter = ("tier", "degree", "introduction_mode")
    search_fields = ("name", "employer__name")
    list_select_related = ("employer", "tier")


class BenchContractAdmin(RegistryAdmin):
    list_display = ("title", "registration_number", "contract_type", "contract_amount", "signed_on")
    list_filter = ("contract_type",)
    search_fields = ("title", "registration_number")
    list_select_related = ("contract_type",)


def register_missing():
    for model, model_admin in ((Talent, BenchTalentAdmin), (TechContract, BenchContractAdmin)):
        if not admin.site.is_registered(model):
            admin.site.register(model, model_admin)


register_missing()

# BENCH_SIDEBAR=0 serves the admin without the navigation sidebar, to compare in the same run.
if os.environ.get("BENCH_SIDEBAR") == "0":
    admin.site.enable_nav_sidebar = False
