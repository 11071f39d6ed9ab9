"""Reverting a record to one of its historical versions (django-simple-history rows).

`revert()` is the one write path for "还原到此版本": the admin's revert page calls it, and it checks
what every other write checks (the model permission, the district scope of the record as it is and
as it will be, the read-only shared lists) before it saves. `changes()` lists what a revert would
change, for the confirmation page. Personal fields are restored only for users who may see them;
for everyone else they keep their current values. Many-to-many links are restored too (as the
version's snapshot holds them, registry.link_history), and count for the district scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import access, link_history, review

# Stored as the history row's change reason. It is data read by every later viewer whatever their
# language, like the role names, so it is written in Chinese; the history page shows such rows as 已还原.
REVERT_REASON = "已还原到 {date} 的版本"
REVERT_MARK = "已还原"
# The review state moves only through registry/review.py, never back with an old version.
SKIPPED = {"created_at", "updated_at", "review_status"}


@dataclass(frozen=True)
class FieldChange:
    """One field a revert changes: its label and the current and restored values, as shown."""

    name: str
    label: str
    current: str
    restored: str


def restored_fields(model, user) -> list:
    """The fields a revert by `user` sets: plain and foreign-key values staff edit, not the primary
    key, the timestamps, values the record computes itself (pinyin sort keys), a workflow's values or
    (for users without the permission) personal data."""
    hidden = set(access.hidden_fields(user, model))
    # Values another workflow writes (a contract's registration, registry/registration.py) stay too.
    workflow = set(getattr(model, "WORKFLOW_FIELDS", ()))
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable
        and not field.primary_key
        and field.name not in SKIPPED
        and field.name not in hidden
        and field.name not in workflow
    ]


def changes(current, record, user) -> list[FieldChange]:
    """What reverting `current` (None: the record was deleted) to `record` would change."""
    model = record.instance_type
    result = []
    for field in restored_fields(model, user):
        old = getattr(current, field.attname) if current is not None else None
        new = getattr(record, field.attname)
        if old != new:
            result.append(FieldChange(field.name, str(field.verbose_name), shown(field, old), shown(field, new)))
    return result + link_changes(current, record)


def link_changes(current, record) -> list[FieldChange]:
    """The many-to-many fields a revert changes, with the linked records named (those deleted since
    are left out, as the revert leaves them out)."""
    result = []
    for name, restored in link_history.links_of_version(record).items():
        field = record.instance_type._meta.get_field(name)
        now = list(getattr(current, name).all()) if current is not None else []
        if {obj.pk for obj in now} != {obj.pk for obj in restored}:
            result.append(FieldChange(name, str(field.verbose_name), names(now), names(restored)))
    return result


def names(records) -> str:
    return "、".join(sorted(str(record) for record in records))


def shown(field, value) -> str:
    """A field value as staff read it: choice labels, related records by name, 是/否."""
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else _("(deleted record %(pk)s)") % {"pk": value}
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def check_allowed(user, model, current) -> None:
    """Raise PermissionDenied unless `user` may change `current` (or re-create it when deleted)."""
    action = "change" if current is not None else "add"
    if not user.has_perm(f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"):
        raise PermissionDenied(_("You may not change %(model)s.") % {"model": model._meta.verbose_name_plural})
    if not access.may_edit(user, model):
        raise PermissionDenied(_("This list is shared by the whole city and is read-only for district staff."))
    if current is not None and not access.in_scope(user, current):
        raise PermissionDenied(_("This record is outside your districts."))
    refusal = review.edit_refusal(current)
    if refusal:
        raise PermissionDenied(refusal)


@transaction.atomic
def revert(current, record, user):
    """Give `current` the values of the historical `record` and save it as a revert.

    `current` is the record as it is now, or None when it was deleted (it is then created again
    with its old primary key). Raises PermissionDenied when the user may not make this change
    (also when the restored values would move the record out of the user's districts) and
    ValidationError when the restored values are no longer valid (a name taken since, a deleted
    related record). Returns the saved record."""
    model = record.instance_type
    check_allowed(user, model, current)
    target = current if current is not None else record.instance
    for field in restored_fields(model, user):
        setattr(target, field.attname, getattr(record, field.attname))
    links = link_history.links_of_version(record)
    if not access.in_scope(user, target, values=links):
        raise PermissionDenied(_("The restored version lies outside your districts."))
    outside = link_history.links_outside_scope(user, model, current, links)
    if outside:
        message = _("The restored version links records outside your districts (%(fields)s).")
        raise PermissionDenied(message % {"fields": "、".join(outside)})
    target.full_clean()
    target._history_user = user if getattr(user, "pk", None) else None
    version_date = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")
    target._change_reason = REVERT_REASON.format(date=version_date)
    target.save()
    with link_history.links_recorded(target):
        link_history.restore_links(target, record)
    return target


def is_revert(historical_record) -> bool:
    """Whether a history row was written by revert()."""
    return (historical_record.history_change_reason or "").startswith(REVERT_MARK)
