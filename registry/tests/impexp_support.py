"""Helpers shared by the spreadsheet import/export tests: files, users and a test admin site."""

import io

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import path
from openpyxl import Workbook

from registry.admin.base import RegistryAdmin
from registry.models import CommissionerTeam, Organization, Talent

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


def id_number(birth="19800105", area="150102", sequence="001"):
    """A valid resident identity number (GB 11643 MOD 11-2 check digit)."""
    body = area + birth + sequence
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


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
    user = get_user_model().objects.create_user(username, is_staff=True, is_superuser=superuser)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label="registry"))
    return get_user_model().objects.get(pk=user.pk)


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
