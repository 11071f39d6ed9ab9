"""The staff roles (groups) and the permissions each one holds, declared once.

Migration 0005 creates the groups; `sync_roles` (run after every `migrate` by a post_migrate
handler) creates the import_<model>/export_<model> permissions of every registry model and the
approve_<model> permission of every reviewed model (registry/review.py), and sets each group's
permissions from ROLES, so models added later are covered without a new migration.
Groups are synced to exactly the declared permissions: make a new group for a custom role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from registry.models import RegistryModel
from registry.review import reviewed_models

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# Registry record permissions beyond Django's add/change/delete/view.
SPREADSHEET_ACTIONS = ("import", "export")
SPREADSHEET_ACTION_NAMES = {"import": "Can import %s", "export": "Can export %s"}
# Reviewed records (those with a review state) have one more: approve, send back and reopen them.
REVIEW_ACTION = "approve"
REVIEW_ACTION_NAME = "Can approve, send back and reopen %s"


CRUD = ("view", "add", "change", "delete")


@dataclass(frozen=True)
class Role:
    name: str  # the group's name, shown to staff (data, so in Chinese)
    purpose: StrOrPromise  # what the role may do, shown on the user page
    record_actions: tuple[str, ...]  # on every registry record model
    extra: tuple[str, ...] = ()  # other permissions as "app_label.codename"
    manage_accounts: bool = False  # every permission of users, groups and district scopes
    reviews: bool = False  # approve_<model> on every reviewed model


ADMINISTRATOR = Role(
    name="系统管理员",
    purpose=_("Everything, including users, groups, district scopes, API keys, personal data and the audit log."),
    record_actions=("view", "add", "change", "delete", "import", "export"),
    extra=(
        "registry.view_personal_data",
        "registry.view_auditevent",
        # Which evidence exists and which a kind of record needs before it is submitted.
        *(f"registry.{action}_{name}" for name in ("evidencekind", "evidencerequirement") for action in CRUD),
        *(f"registry.{action}_reminderrule" for action in ("view", "add", "change", "delete")),
        "registry.register_techcontract",
    ),
    manage_accounts=True,
    reviews=True,
)
# Data entry keeps records but does not delete them (a wrong record is corrected, or an
# administrator deletes it) and does not export (exports are for reviewers and administrators).
# It edits drafts and returned records and submits them for review.
DATA_ENTRY = Role(
    name="数据录入员",
    purpose=_(
        "Adds and changes drafts and returned records, submits them, imports spreadsheets; no delete, no export."
    ),
    record_actions=("view", "add", "change", "import"),
)
# The reviewer keeps its name: it reviews (审核) and reads (查阅), and staff already know it.
REVIEWER = Role(
    name="审核查阅员",
    purpose=_("Views and exports registry records; approves or sends back submitted ones and reopens approved ones."),
    record_actions=("view", "export"),
    reviews=True,
)
# The registration office (技术合同登记机构) of a district: registers, refuses, changes and cancels the
# registration of the contracts its sellers signed (registry/registration.py); it reads the records.
REGISTRAR = Role(
    name="技术合同登记员",
    purpose=_("Registers technology contracts of sellers in their districts (refuses, changes and cancels too)."),
    record_actions=("view",),
    extra=("registry.register_techcontract", "registry.export_techcontract"),
)
# Combined with another role for the staff who must see identity numbers, phones and e-mails.
PERSONAL_DATA = Role(
    name="个人信息查看",
    purpose=_("Sees personal data of talents unmasked (combine with another role)."),
    record_actions=(),
    extra=("registry.view_personal_data",),
)

ROLES = (ADMINISTRATOR, DATA_ENTRY, REVIEWER, REGISTRAR, PERSONAL_DATA)
ACCOUNT_MODELS = (("auth", "user"), ("auth", "group"), ("registry", "staffscope"), ("registry", "apikey"))


def record_models() -> list:
    """The registry's record models (lookup tables included), not history or security tables."""
    return [model for model in apps.get_app_config("registry").get_models() if issubclass(model, RegistryModel)]


def ensure_spreadsheet_permissions(using="default") -> None:
    """Create import_<model> and export_<model> for every registry record model, and
    approve_<model> for every reviewed one."""
    wanted = [
        (model, action, SPREADSHEET_ACTION_NAMES[action]) for model in record_models() for action in SPREADSHEET_ACTIONS
    ]
    wanted += [(model, REVIEW_ACTION, REVIEW_ACTION_NAME) for model in reviewed_models()]
    content_types = ContentType.objects.db_manager(using).get_for_models(*record_models())
    for model, action, name in wanted:
        Permission.objects.using(using).get_or_create(
            content_type=content_types[model],
            codename=f"{action}_{model._meta.model_name}",
            defaults={"name": name % model._meta.verbose_name_raw},
        )


def role_permissions(role: Role, using="default") -> list:
    """The Permission rows a role holds."""
    wanted = {
        (model._meta.app_label, f"{action}_{model._meta.model_name}")
        for model in record_models()
        for action in role.record_actions
    }
    if role.reviews:
        wanted |= {(model._meta.app_label, f"{REVIEW_ACTION}_{model._meta.model_name}") for model in reviewed_models()}
    wanted |= {(app_label, codename) for app_label, _dot, codename in (name.partition(".") for name in role.extra)}
    accounts = set(ACCOUNT_MODELS) if role.manage_accounts else set()
    return [
        permission
        for permission in Permission.objects.using(using).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
        or (permission.content_type.app_label, permission.content_type.model) in accounts
    ]


@transaction.atomic
def sync_roles(using="default") -> None:
    ensure_spreadsheet_permissions(using)
    for role in ROLES:
        group, _created = Group.objects.using(using).get_or_create(name=role.name)
        group.permissions.set(role_permissions(role, using))


def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate handler: keep permissions and groups in line with ROLES."""
    # The registry comes first in INSTALLED_APPS, so its post_migrate runs before the other apps'
    # default permissions are made: make them all now (idempotent) before handing them out.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(using)
