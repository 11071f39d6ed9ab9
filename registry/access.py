"""Who may see what: personal data and district scope.

The admin, the spreadsheet import/export and the reports ask these functions, so the rules live
in one place. (District scope is filled in by the roles work; until then every user is unscoped.)
"""

from __future__ import annotations

PERSONAL_DATA_PERMISSION = "registry.view_personal_data"


def can_view_personal_data(user) -> bool:
    return user.has_perm(PERSONAL_DATA_PERMISSION)


def personal_fields(model) -> tuple[str, ...]:
    """Field names of `model` that hold personal data (identity number, phone, e-mail, birth date)."""
    return tuple(getattr(model, "PERSONAL_FIELDS", ()))


def hidden_fields(user, model) -> tuple[str, ...]:
    """Personal fields `user` must not see on `model`: masked on screens, blank in files."""
    return () if can_view_personal_data(user) else personal_fields(model)


def scope_queryset(user, queryset):
    """Only the records of the user's districts; everything for unscoped users."""
    return queryset


def in_scope(user, instance) -> bool:
    """Whether `instance` lies in the user's districts (always true for unscoped users)."""
    return True
