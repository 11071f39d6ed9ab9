"""Helpers shared by the spreadsheet import/export tests: files, users and a test admin site."""

import io

from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import path
from openpyxl import Workbook

from registry.admin.base import RegistryAdmin
from registry.models import CommissionerTeam, Organization, Talent

from .support import make_user

site = admin.AdminSite(name="admin")
for registered in (Talent, Organization, CommissionerTeam):
    site.register(
        registered,
        type(
            f"{registered.__name__}TestAdmin",
            (RegistryAdmin,),
            {"search_fields": ["name"], "list_filter": ["kind"] if registered is Organization else []},
        ),
    )

urlpatterns = [path("admin/", site.urls)]

TALENT_HEADER = ["姓名", "性别", "证件号码", "工作单位", "人才类别", "已退休", "引进日期", "电话"]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.worksheets[0].append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_text(rows) -> str:
    return "\n".join(",".join("" if cell is None else str(cell) for cell in row) for row in rows) + "\n"


def staff(username="clerk", permissions=(), superuser=False):
    """A staff user without a role or password, with these registry permissions (older helper name)."""
    return make_user(username=username, permissions=permissions, superuser=superuser, password=None)


def ensure_permissions():
    """The import/export permissions the roles work creates; created here for the tests."""
    from django.contrib.contenttypes.models import ContentType

    for model in (Talent, Organization, CommissionerTeam):
        content_type = ContentType.objects.get_for_model(model)
        for action in ("import", "export"):
            Permission.objects.get_or_create(
                codename=f"{action}_{model._meta.model_name}",
                content_type=content_type,
                defaults={"name": f"Can {action} {model._meta.model_name}"},
            )
