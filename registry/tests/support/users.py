"""Staff users in the real role groups (registry.roles), optionally limited to districts."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission, User

from registry import roles
from registry.models import DevelopmentZone, Division, StaffScope

PASSWORD = "Correct-Horse-Battery-9173"  # noqa: S105 - test accounts only


def make_user(
    *role_list: roles.Role,
    username: str = "clerk",
    scope: Iterable[Division | DevelopmentZone] = (),
    permissions: Iterable[str] = (),
    superuser: bool = False,
    password: str | None = PASSWORD,
    email: str = "",
) -> User:
    """A staff user in the groups of `role_list`, limited to the divisions and zones of `scope`
    (none: unscoped), with extra registry permissions by codename; fetched again, so no cache."""
    user = User.objects.create_user(username, email, password, is_staff=True, is_superuser=superuser)
    user.groups.set(Group.objects.filter(name__in=[role.name for role in role_list]))
    codenames = set(permissions)
    granted = Permission.objects.filter(content_type__app_label="registry", codename__in=codenames)
    if len(granted) != len(codenames):
        raise ValueError(f"unknown registry permissions: {codenames - {p.codename for p in granted}}")
    user.user_permissions.set(granted)
    places = list(scope)
    if places:
        staff_scope = StaffScope.objects.create(user=user)
        staff_scope.divisions.set([place for place in places if isinstance(place, Division)])
        staff_scope.zones.set([place for place in places if isinstance(place, DevelopmentZone)])
    return User.objects.get(pk=user.pk)
