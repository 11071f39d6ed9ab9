"""Merging duplicate records: everything that points at the merged records moves to the one kept.

The references are found by walking the model's `_meta.related_objects` (foreign keys, one-to-one
fields and many-to-many fields of every model pointing at it), so a model added later is covered
without touching this module. A merge
- moves every foreign key and one-to-one link from the merged records to the kept one;
- moves many-to-many links (a link the kept record already has is dropped, not doubled);
- adds the merged records' own many-to-many links (their citations) to the kept record;
- fills the fields the kept record leaves empty from the merged records;
- keeps the merged records' names: organizations get them as aliases, talents a note;
- writes a historical row for the kept record, for every record whose links moved and for each merged
  record (deleted), all giving the merge as the reason, and an audit event;
- runs in one transaction and is refused, with the list of reasons, when a unique constraint would break
  (two transfer agencies for one organization, one person twice in a workstation) or when the user may
  not change a record it touches (roles and district scope, registry.access);
- obeys the review (registry.review) for reviewed models: records waiting for review are not merged;
  an approved kept record is reopened with the merge as the reason (by a user who may reopen it), so the
  merged record counts again only once someone else approves it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry import access, audit, districts, review
from registry.link_history import chunks, has_link_table, history_paused, write_versions
from registry.models import AuditEvent, Organization, OrganizationAlias, Talent
from registry.models.review import ReviewStatus
from registry.validators import canonical_id_number

MAX_MERGED = 20  # records merged into one at a time
QUOTED = "“%s”"
# Texts stored with the records (history reasons, alias notes, talent notes) are data every later
# reader sees whatever their language, like the role names: they are written in Chinese.
STORED_LANGUAGE = "zh-hans"


class MergeRefused(Exception):
    """The merge cannot be done; `problems` says why, in the user's language."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Reference:
    """A field of some model pointing at the merged model: a foreign key, one-to-one or many-to-many."""

    field: models.Field

    @property
    def model(self):
        return self.field.model

    @property
    def is_many(self) -> bool:
        return bool(self.field.many_to_many)

    @property
    def label(self) -> str:
        return f"{self.model._meta.verbose_name} · {self.field.verbose_name}"


def references(model) -> list[Reference]:
    """Every field of every model pointing at `model`; a many-to-many field through a model of its own
    is left out, because that model's foreign key is a reference too."""
    found = []
    for relation in model._meta.related_objects:
        if relation.many_to_many and not has_link_table(relation.field):
            continue
        found.append(Reference(relation.field))
    return found


@dataclass
class Moved:
    """The records of one reference whose link moves (for many-to-many: the owners of the links)."""

    reference: Reference
    pks: list


@dataclass
class MergePlan:
    """What merging `others` into `keep` would do, and why it may not."""

    keep: models.Model
    others: list
    moved: list[Moved] = field(default_factory=list)
    filled: dict = field(default_factory=dict)  # attname -> value taken from a merged record
    aliases: list[str] = field(default_factory=list)
    note: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def model(self):
        return type(self.keep)

    @property
    def other_pks(self) -> list:
        return [other.pk for other in self.others]

    def filled_labels(self) -> list[str]:
        fields = {f.attname: f for f in self.model._meta.concrete_fields}
        return [str(fields[name].verbose_name) for name in self.filled]


# -- planning --------------------------------------------------------------------------------


def plan_merge(user, keep, others) -> MergePlan:
    """What the merge would do (nothing is written); its `problems` list every reason it is refused."""
    plan = MergePlan(keep=keep, others=[other for other in others if other.pk != keep.pk])
    if not plan.others:
        plan.problems.append(_("Choose at least one other record to merge into the kept one."))
        return plan
    if len(plan.others) > MAX_MERGED:
        plan.problems.append(_("At most %(count)d records can be merged at once.") % {"count": MAX_MERGED})
        return plan
    for reference in references(plan.model):
        pks = referencing_pks(reference, plan.other_pks)
        if pks:
            plan.moved.append(Moved(reference, pks))
    plan.filled = filled_values(keep, plan.others)
    plan.problems += permission_problems(user, plan)
    plan.problems += unique_problems(plan)
    plan.problems += MODEL_RULES.get(plan.model, ModelRule()).plan(user, plan)
    plan.problems += review_problems(user, plan)
    plan.problems += validity_problems(user, plan)
    return plan


def review_problems(user, plan: MergePlan) -> list[str]:
    """A reviewed record waiting for review is not merged; an approved kept record is reopened by the
    merge, so the user must be allowed to reopen it (registry.review's rules, four eyes aside)."""
    if not review.is_reviewed(plan.model):
        return []
    problems = []
    waiting = [r for r in [plan.keep, *plan.others] if review.current_status(r) == ReviewStatus.SUBMITTED]
    if waiting:
        problems.append(
            _("%(records)s are waiting for review: approve or send them back before merging.")
            % {"records": "、".join(QUOTED % record for record in waiting)}
        )
    if review.current_status(plan.keep) == ReviewStatus.APPROVED:
        refusal = review.refusal(plan.keep, user, review.Action.REOPEN, opinion=None)
        if refusal:
            problems.append(
                _("The kept record is approved and the merge reopens it, which you may not do: %(reason)s")
                % {"reason": refusal}
            )
    return problems


def referencing_pks(reference: Reference, other_pks: list) -> list:
    if reference.is_many:
        through, owner, target = link_columns(reference.field)
        rows = through.objects.filter(**{target + "__in": other_pks}).values_list(owner, flat=True).distinct()
        return sorted(rows)
    manager = reference.model._default_manager
    return sorted(manager.filter(**{reference.field.name + "__in": other_pks}).values_list("pk", flat=True))


def link_columns(m2m_field) -> tuple:
    """(link table, column of the owner, column of the linked record) of a many-to-many field."""
    return (
        m2m_field.remote_field.through,
        m2m_field.m2m_field_name() + "_id",
        m2m_field.m2m_reverse_field_name() + "_id",
    )


def is_empty(value) -> bool:
    return value is None or value == ""


def fillable_fields(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.editable and not getattr(f, "auto_now", False) and f.name != "notes"
    ]


def filled_values(keep, others) -> dict:
    """Values of fields the kept record leaves empty, from the first merged record that has one."""
    filled = {}
    for model_field in fillable_fields(type(keep)):
        if not is_empty(getattr(keep, model_field.attname)):
            continue
        for other in others:
            value = getattr(other, model_field.attname)
            if not is_empty(value):
                filled[model_field.attname] = value
                break
    return filled


def permission_problems(user, plan: MergePlan) -> list[str]:
    """The user must be allowed to change the kept record, delete the merged ones and change every
    record whose links move, within their districts (registry.access)."""
    model = plan.model
    problems = []
    opts = model._meta
    if not (
        user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        and user.has_perm(f"{opts.app_label}.delete_{opts.model_name}")
        and access.may_edit(user, model)
    ):
        problems.append(_("You may not merge %(model)s.") % {"model": opts.verbose_name_plural})
        return problems
    if not all(access.in_scope(user, record) for record in [plan.keep, *plan.others]):
        problems.append(_("Some of the chosen records are outside your districts."))
    for moved in plan.moved:
        referencing = moved.reference.model
        meta = referencing._meta
        if not (user.has_perm(f"{meta.app_label}.change_{meta.model_name}") and access.may_edit(user, referencing)):
            problems.append(
                _("You may not change %(model)s, and %(count)d of them point at the merged records.")
                % {"model": meta.verbose_name_plural, "count": len(moved.pks)}
            )
            continue
        outside = len(moved.pks) - in_scope_count(user, referencing, moved.pks)
        if outside:
            problems.append(
                _("%(count)d %(model)s pointing at the merged records are outside your districts.")
                % {"count": outside, "model": meta.verbose_name_plural}
            )
    return problems


def in_scope_count(user, model, pks) -> int:
    return sum(
        access.scope_queryset(user, model._default_manager.filter(pk__in=chunk)).count() for chunk in chunks(pks)
    )


def unique_sets(model) -> list[tuple[tuple[str, ...], models.Q | None]]:
    """(field names, condition) of every uniqueness rule of `model` stated on fields."""
    sets: list[tuple[tuple[str, ...], models.Q | None]] = [
        ((f.name,), None) for f in model._meta.local_fields if f.unique and not f.primary_key
    ]
    sets += [(tuple(names), None) for names in model._meta.unique_together]
    sets += [
        (tuple(constraint.fields), constraint.condition)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields
    ]
    return sets


def unique_problems(plan: MergePlan) -> list[str]:
    """Records that would become duplicates once their link points at the kept record."""
    problems = []
    merged = [plan.keep.pk, *plan.other_pks]
    for moved in plan.moved:
        reference = moved.reference
        if reference.is_many:
            continue  # a link the kept record already has is dropped, not doubled
        for names, condition in unique_sets(reference.model):
            if reference.field.name not in names:
                continue
            rows = reference.model._default_manager.filter(**{reference.field.name + "__in": merged})
            if condition is not None:
                rows = rows.filter(condition)
            others = [name for name in names if name != reference.field.name]
            attnames = [reference.model._meta.get_field(name).attname for name in others]
            groups = defaultdict(list)
            for pk, *values in rows.values_list("pk", *attnames):
                if None not in values:
                    groups[tuple(values)].append(pk)
            for pks in groups.values():
                if len(pks) > 1:
                    problems.append(collision_message(reference, names, pks))
    return problems


def collision_message(reference: Reference, names, pks) -> str:
    meta = reference.model._meta
    records = "、".join(QUOTED % record for record in reference.model._default_manager.filter(pk__in=pks))
    fields = "、".join(str(meta.get_field(name).verbose_name) for name in names)
    return _("%(model)s %(records)s would become duplicates (%(fields)s must be unique); change them first.") % {
        "model": meta.verbose_name,
        "records": records,
        "fields": fields,
    }


def validity_problems(user, plan: MergePlan) -> list[str]:
    """The kept record with the filled values must pass its own checks and stay in the user's districts."""
    merged = type(plan.keep)._default_manager.get(pk=plan.keep.pk)
    for attname, value in plan.filled.items():
        setattr(merged, attname, value)
    problems = []
    hidden = set(access.hidden_fields(user, plan.model))
    try:
        merged.clean()
    except ValidationError as error:
        by_field = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        for name, messages in by_field.items():
            label = field_label(plan.model, name)
            if name in hidden:
                # The message may quote a personal value the user may not see.
                messages = [_("the value would not be valid after the merge")]
            problems.append(f"{label}：{' '.join(messages)}" if label else " ".join(messages))
    if not access.in_scope(user, merged):
        problems.append(_("After the merge the kept record would lie outside your districts."))
    return problems


def field_label(model, name) -> str:
    """The label of the field an error names; "" for errors of the whole record."""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # NON_FIELD_ERRORS, or a name clean() made up
        return ""


# -- what differs by model -------------------------------------------------------------------


class ModelRule:
    """How a model keeps the merged records' names, and its own refusals."""

    def plan(self, user, plan: MergePlan) -> list[str]:
        return []

    def apply(self, plan: MergePlan, user, reason: str) -> None:
        pass


class OrganizationRule(ModelRule):
    """The merged organizations' names become aliases of the kept one."""

    def plan(self, user, plan):
        problems = []
        existing = dict(
            OrganizationAlias.objects.filter(name__in=[o.name for o in plan.others]).values_list(
                "name", "organization_id"
            )
        )
        merged = {plan.keep.pk, *plan.other_pks}
        for other in plan.others:
            owner = existing.get(other.name)
            if owner is None:
                plan.aliases.append(other.name)
            elif owner not in merged:
                problems.append(
                    _("The name %(name)s is already an alias of another organization.") % {"name": QUOTED % other.name}
                )
        return problems

    def apply(self, plan, user, reason):
        for name in plan.aliases:
            alias = OrganizationAlias(organization=plan.keep, name=name, note=reason[:200])
            saved_by(alias, user, reason)
            alias.save()


class TalentRule(ModelRule):
    """Two identity numbers that differ (written the one way) are two people; the names are noted."""

    def plan(self, user, plan):
        numbers = {canonical_id_number(talent.id_number) for talent in [plan.keep, *plan.others] if talent.id_number}
        if len(numbers) > 1:
            return [_("The chosen talents have different identity numbers: they are different people.")]
        day = timezone.localdate().isoformat()
        with translation.override(STORED_LANGUAGE):
            lines = [
                _("Merged from %(name)s (%(employer)s, record #%(pk)s) on %(day)s.")
                % {
                    "name": QUOTED % talent.name,
                    "employer": talent.employer or _("no employer"),
                    "pk": talent.pk,
                    "day": day,
                }
                for talent in plan.others
            ]
        plan.note = "\n".join(lines)
        return []

    def apply(self, plan, user, reason):
        pass  # the note is written with the kept record's other values


MODEL_RULES: dict = {Organization: OrganizationRule(), Talent: TalentRule()}


# -- applying --------------------------------------------------------------------------------


def merge_reason(keep, others) -> str:
    with translation.override(STORED_LANGUAGE):
        return _("Merged %(others)s into %(keep)s") % {
            "others": "、".join(QUOTED % other for other in others),
            "keep": QUOTED % keep,
        }


@transaction.atomic
def merge(user, model, keep_pk, other_pks, request=None) -> MergePlan:
    """Merge the records `other_pks` of `model` into `keep_pk` in one transaction; raises MergeRefused."""
    keep, others = lock_records(model, keep_pk, other_pks)
    plan = plan_merge(user, keep, others)
    if plan.problems:
        raise MergeRefused(plan.problems)
    reason = merge_reason(keep, plan.others)
    if review.is_reviewed(model) and review.current_status(keep) == ReviewStatus.APPROVED:
        review.reopen(keep, user, reason)  # it changes, so it is reviewed again
    now = timezone.now()
    for moved in plan.moved:
        move_references(moved, keep.pk, plan.other_pks, now)
    add_own_links(keep, plan.others)
    districts.after_merge(model, keep.pk)  # references moved by UPDATE send no signals
    for moved in plan.moved:
        write_versions(moved.reference.model, moved.pks, user, reason, now)
    for other in plan.others:
        saved_by(other, user, reason)
        other.delete()
    for attname, value in plan.filled.items():
        setattr(keep, attname, value)
    if plan.note:
        keep.notes = "\n".join(part for part in (keep.notes, plan.note) if part)
    saved_by(keep, user, reason)
    keep.save()
    MODEL_RULES.get(model, ModelRule()).apply(plan, user, reason)
    audit.record(
        AuditEvent.Kind.MERGE,
        request,
        user,
        model=model,
        rows=len(plan.others),
        detail=reason,
    )
    return plan


def saved_by(record, user, reason: str) -> None:
    """The user and reason simple-history writes in the record's next historical row."""
    record._history_user = user
    record._change_reason = reason


def lock_records(model, keep_pk, other_pks) -> tuple:
    """(kept record, merged records), locked until the transaction ends: a second merge of the same
    records waits, then finds them gone."""
    wanted = {keep_pk, *other_pks}
    records = {record.pk: record for record in model._default_manager.select_for_update().filter(pk__in=wanted)}
    if keep_pk not in records or len(records) < len(wanted):
        raise MergeRefused([_("Some of the chosen records no longer exist; reload the list.")])
    return records[keep_pk], [records[pk] for pk in other_pks if pk != keep_pk]


def move_references(moved: Moved, keep_pk, other_pks, now) -> None:
    reference = moved.reference
    if reference.is_many:
        move_links(reference.field, keep_pk, other_pks)
        return
    values = {reference.field.name: keep_pk}
    if any(f.name == "updated_at" for f in reference.model._meta.concrete_fields):
        values["updated_at"] = now
    manager = reference.model._default_manager
    manager.filter(**{reference.field.name + "__in": other_pks}).update(**values)


def move_links(m2m_field, keep_pk, other_pks) -> None:
    """Point the links of a many-to-many field at the kept record; an owner linked to it already (or
    to two merged records) keeps one link."""
    through, owner, target = link_columns(m2m_field)
    linked = set(through.objects.filter(**{target: keep_pk}).values_list(owner, flat=True))
    moving, dropped = [], []
    for link, holder in through.objects.filter(**{target + "__in": other_pks}).order_by("pk").values_list("pk", owner):
        if holder in linked:
            dropped.append(link)
        else:
            linked.add(holder)
            moving.append(link)
    for chunk in chunks(dropped):
        through.objects.filter(pk__in=chunk).delete()
    for chunk in chunks(moving):
        through.objects.filter(pk__in=chunk).update(**{target: keep_pk})


def add_own_links(keep, others) -> None:
    """The merged records' own many-to-many links (their citations) are added to the kept record's;
    the kept record's historical row, written when it is saved, holds the result."""
    with history_paused(keep):
        for m2m_field in type(keep)._meta.many_to_many:
            if not has_link_table(m2m_field):
                continue
            through, owner, target = link_columns(m2m_field)
            wanted = set(
                through.objects.filter(**{owner + "__in": [o.pk for o in others]}).values_list(target, flat=True)
            )
            if wanted:
                getattr(keep, m2m_field.name).add(*wanted)
