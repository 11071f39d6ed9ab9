"""How an import meets the review workflow (registry/review.py): what state its rows land in and
which rows it may not write.

- Submitted and approved records are read-only for imports as for forms: a row that would change one
  (or add or change a part of one: a workstation's member, a project's partner) is an error naming the
  record and its state; nothing of it is written.
- The upload form chooses the state written rows land in (`Target`): 草稿 (new records are drafts,
  changed drafts stay drafts), 待审核 (new and changed records, and the file's unchanged drafts and
  returned records, are submitted), or 已通过 — for reviewers only, and only for records someone else
  submitted: the file approves the submitted records it names without changing them; a row that
  would create or change a record is an error, since nobody approves what they entered (four eyes,
  checked by review.check for each record, as the approve button does).
- Every state a confirmed import changes is logged like a button press: a ReviewTransition per record
  (written in bulk, with the file named in the opinion) and one review entry in the audit log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import audit, evidence, review
from registry.models import AuditEvent, ReviewTransition
from registry.models.review import EDITABLE_STATES, ReviewStatus, read_only_message

from . import since_preview
from .relations import chunks

if TYPE_CHECKING:
    from .existing import Record

Action = ReviewTransition.Action
STATUS = "review_status"


class Target(models.TextChoices):
    """The state an import's rows land in."""

    DRAFT = ReviewStatus.DRAFT, gettext_lazy("drafts (submitted later)")
    SUBMITTED = ReviewStatus.SUBMITTED, gettext_lazy("submitted for review")
    APPROVED = ReviewStatus.APPROVED, gettext_lazy("approved (submitted records entered by others only)")


def targets_for(user: Any, model: type[models.Model]) -> list[tuple[str, Any]]:
    """The choices of the upload form: submitting for who may submit (data entry), approving for the
    model's reviewers."""
    if not review.is_reviewed(model):
        return []
    allowed = {
        Target.DRAFT: True,
        Target.SUBMITTED: user.has_perm(review.permission_name(model, "change")),
        Target.APPROVED: review.may_review(user, model),
    }
    return [(value, label) for value, label in Target.choices if allowed[Target(value)]]


def check_target(user: Any, model: type[models.Model], target: str) -> str:
    """The target to plan with ("" for a model without review); PermissionDenied for one the user may not choose."""
    if not review.is_reviewed(model):
        return ""
    target = target or Target.DRAFT
    if target not in {value for value, _label in targets_for(user, model)}:
        raise PermissionDenied(
            _("You may not import %(model)s records as approved.") % {"model": model._meta.verbose_name}
        )
    return target


class RowStates:
    """The review side of planning one file: the state each written row gets and the rows refused."""

    def __init__(self, model: type[models.Model], user: Any, target: str) -> None:
        self.model = model
        self.user = user
        self.target = target
        self.reviewed = review.is_reviewed(model)
        link = review.REVIEWED_PARTS.get(model._meta.model_name or "")
        parent_field = model._meta.get_field(link) if link else None
        self.parent_field = parent_field if isinstance(parent_field, models.ForeignKey) else None
        self.parent_states: dict[int, tuple[str, str]] = {}  # parent pk -> (state, name)
        # Kinds of evidence a record needs before it is submitted (registry/evidence.py).
        self.required = evidence.required_kinds(model) if self.reviewed and target == Target.SUBMITTED else []

    @property
    def active(self) -> bool:
        return self.reviewed or self.parent_field is not None

    def load_parents(self, pks: set[Any]) -> None:
        """The states of the reviewed records the file's parts belong to, a few queries for all."""
        if self.parent_field is None:
            return
        parent = self.parent_field.related_model
        wanted = [pk for pk in pks if pk is not None and pk not in self.parent_states]
        for chunk in chunks(wanted):
            for record in parent._default_manager.filter(pk__in_array=chunk):  # type: ignore[union-attr]
                self.parent_states[record.pk] = (getattr(record, STATUS), str(record))

    def parent_refusal(self, *pks: Any) -> str | None:
        """Why a part of these parents may not be added or changed (a parent not editable), or None."""
        for pk in pks:
            state = self.parent_states.get(pk)
            if state and state[0] not in EDITABLE_STATES:
                return read_only_message(state[1], state[0])
        return None

    def create_state(self) -> tuple[str | None, str | None]:
        """(state of a new record, refusal): approving refuses new records."""
        if not self.reviewed:
            return None, None
        if self.target == Target.APPROVED:
            return None, _("importing as approved only approves submitted records; this row would add a record")
        if self.required:
            names = "、".join(kind.name for kind in self.required)
            return None, _(
                "this kind of record needs evidence (%(kinds)s) before it is submitted: import it as a draft, "
                "attach the files, then submit it"
            ) % {"kinds": names}
        return self.target, None

    def update_state(self, record: Record, instance: models.Model, changes: bool) -> tuple[str | None, str | None]:
        """(new state or None to keep it, refusal) of an existing record the row matches; `changes`
        says whether the row changes its content."""
        if not self.reviewed:
            return None, None
        stored = record[STATUS]
        if changes and stored not in EDITABLE_STATES:
            return None, read_only_message(instance, stored)
        if self.target == Target.APPROVED:
            if changes:
                return None, _(
                    "importing as approved only approves submitted records; this row would change the record"
                )
            if stored == ReviewStatus.APPROVED:
                return None, None
            refusal = review.refusal(instance, self.user, Action.APPROVE, "")
            return (None, refusal) if refusal else (ReviewStatus.APPROVED, None)
        if self.target == Target.SUBMITTED and stored in EDITABLE_STATES:
            missing = evidence.missing_kinds(instance) if self.required else []
            if missing:
                return None, evidence.missing_message(instance, missing)
            return ReviewStatus.SUBMITTED, None
        return None, None


def check_parents(plan: Any) -> None:
    """Raise since_preview.ChangedSincePreview when a record the plan adds or changes a part of was
    submitted or approved after the preview (the parents are locked until the import ends)."""
    states = RowStates(plan.model, None, "")
    if states.parent_field is None:
        return
    position = plan.fields.index(states.parent_field.attname)
    rows_of: dict[Any, list[int]] = {}
    for written in [*plan.creates, *plan.updates]:
        rows_of.setdefault(written.values[position], []).append(written.row)
    parent = states.parent_field.related_model
    locked = parent._default_manager.select_for_update().filter(pk__in=list(rows_of))  # type: ignore[union-attr]
    closed = [pk for pk, state in locked.values_list("pk", STATUS) if state not in EDITABLE_STATES]
    rows = sorted(row for pk in closed for row in rows_of[pk])
    if rows:
        raise since_preview.ChangedSincePreview(
            _("Records were submitted or approved after the preview, in %(rows)s; nothing was imported.")
            % {"rows": since_preview.rows_text(rows)},
            rows,
        )


def log_transitions(
    model: type[models.Model], moves: list[tuple[int, str, str]], user: Any, file_name: str, ip_address: str | None
) -> None:
    """Log the import's state changes (pk, from, to) as review steps and one audit entry; inside the
    import's transaction, so they are written with it or not at all."""
    if not moves:
        return
    content_type = ContentType.objects.get_for_model(model)
    stored_user = user if getattr(user, "pk", None) is not None else None
    opinion = _("Imported from %(file)s") % {"file": file_name}
    ReviewTransition.objects.bulk_create(
        ReviewTransition(
            content_type=content_type,
            object_id=pk,
            action=Action.APPROVE if new == ReviewStatus.APPROVED else Action.SUBMIT,
            from_status=old,
            to_status=new,
            user=stored_user,
            username=getattr(user, "username", "") or "",
            opinion=opinion,
        )
        for pk, old, new in moves
    )
    counts: dict[str, int] = {}
    for _pk, _old, new in moves:
        counts[new] = counts.get(new, 0) + 1
    detail = "，".join(f"{ReviewStatus(state).label} {count}" for state, count in counts.items())
    audit.record(
        AuditEvent.Kind.REVIEW,
        user=user,
        ip_address=ip_address,
        model=model,
        rows=len(moves),
        file_name=file_name,
        detail=detail,
    )
    transaction.on_commit(review.bump_generation)


def status_label(state: str) -> str:
    return str(ReviewStatus(state).label)
