"""The review workflow: districts enter and submit, the city reviews (草稿 → 待审核 → 已通过 / 已退回).

Every change of a record's review state goes through the four transitions below — the buttons on a
record's page, the bulk actions, imports and (later) the API — and every write path asks
`is_editable` before changing a record. The figures (dashboard, reports) count what `counted` keeps.

Rules:
- Data entry (change permission on the model, within their districts) edits drafts and returned
  records and submits them.
- Reviewers (approve_<model> permission, roles.py) approve or send back submitted records and reopen
  approved ones, within their districts. Sending back needs an opinion, reopening a reason.
- Four eyes: nobody approves a record they submitted or last changed, superusers included.
- Submitted and approved records are read-only for everyone (Reviewed.save refuses them); a
  reopened record is returned, so it no longer counts until approved again.
- Each transition is logged (ReviewTransition: who, when, from, to, opinion), written to the
  record's history with the opinion as the change reason, and to the audit log.

Plain code rather than django-fsm-2: four states and four moves fit one table (TRANSITIONS); what
matters are the checks around a move (permission, district, four eyes, opinion), each with its own
Chinese message, and the row lock that keeps two reviewers from approving the same record twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords, to_historic

from registry import access, audit, evidence
from registry.models import AuditEvent
from registry.models.review import EDITABLE_STATES, Reviewed, ReviewStatus, ReviewTransition, read_only_message

Action = ReviewTransition.Action
# Who acts: a signed-in user, or the command-line operator of the import command (no stored user).
User = Any
ModelType = type[models.Model]
QuerySetT = TypeVar("QuerySetT", bound="models.QuerySet[Any]")

# Parts of a reviewed record, edited on its page: they follow its state (field naming the record).
REVIEWED_PARTS = {"workstationmember": "workstation", "projectpartner": "project", "projecttarget": "project"}
# History rows looked at to find who last changed a record's content (transitions in between are skipped).
HISTORY_LOOKBACK = 50
QUEUE_CACHE_SECONDS = 30
GENERATION_KEY = "registry:review:generation"


@dataclass(frozen=True)
class Transition:
    """A move from one of `sources` to `target`, allowed to holders of the model's `permission`."""

    action: str
    sources: frozenset[str]
    target: str
    permission: str  # "change" (data entry) or "approve" (reviewers)
    needs_opinion: bool = False
    four_eyes: bool = False


TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(Action.SUBMIT, EDITABLE_STATES, ReviewStatus.SUBMITTED, "change"),
    Action.APPROVE: Transition(
        Action.APPROVE, frozenset({ReviewStatus.SUBMITTED}), ReviewStatus.APPROVED, "approve", four_eyes=True
    ),
    Action.SEND_BACK: Transition(
        Action.SEND_BACK, frozenset({ReviewStatus.SUBMITTED}), ReviewStatus.RETURNED, "approve", needs_opinion=True
    ),
    Action.REOPEN: Transition(
        Action.REOPEN, frozenset({ReviewStatus.APPROVED}), ReviewStatus.RETURNED, "approve", needs_opinion=True
    ),
}


# --- Which models, which permissions


def is_reviewed(model: ModelType) -> bool:
    return issubclass(model, Reviewed)


def reviewed_models() -> list[ModelType]:
    """The registry models with a review state, in the app's model order."""
    return [model for model in apps.get_app_config("registry").get_models() if is_reviewed(model)]


def permission_name(model: ModelType, permission: str) -> str:
    """ "registry.approve_talent", "registry.change_talent"."""
    return f"{model._meta.app_label}.{permission}_{model._meta.model_name}"


def may_review(user: User, model: ModelType) -> bool:
    """Whether `user` holds the reviewer's permission on `model` (district scope aside)."""
    return is_reviewed(model) and bool(user.has_perm(permission_name(model, "approve")))


# --- May this record change now?


def reviewed_record(obj: models.Model | None) -> Any:
    """The reviewed record whose state governs `obj`: itself, the record it is part of, or None."""
    if obj is None:
        return None
    if is_reviewed(type(obj)):
        return obj
    link = REVIEWED_PARTS.get(obj._meta.model_name or "")
    return getattr(obj, link, None) if link else None


def current_status(obj: Any) -> str:
    """The state of a reviewed record as stored: an old version from the history (a revert form)
    carries its old state, so the database is asked."""
    if to_historic(obj) is not None or obj.pk is None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).values_list("review_status", flat=True).first()
        return str(stored or ReviewStatus.DRAFT)
    return str(obj.review_status)


def is_editable(obj: models.Model | None) -> bool:
    """Whether `obj`'s content may change now: drafts and returned records, and their parts."""
    record = reviewed_record(obj)
    return record is None or current_status(record) in EDITABLE_STATES


def edit_refusal(obj: models.Model | None) -> str | None:
    """The message refusing a change of `obj` (or of a part added to it), or None when it may change."""
    record = reviewed_record(obj)
    status = None if record is None else current_status(record)
    if status is None or status in EDITABLE_STATES:
        return None
    return read_only_message(record, status)


# --- The transitions


def submit(obj: Any, user: User, opinion: str = "") -> ReviewTransition:
    """Draft or returned → submitted, by data entry of the record's district."""
    return move(obj, user, Action.SUBMIT, opinion)


def approve(obj: Any, user: User, opinion: str = "", changes: dict[str, Any] | None = None) -> ReviewTransition:
    """Submitted → approved, by a reviewer of the district who neither submitted nor last changed it.
    `changes` are field values the approval itself sets (an assessment's confirmed grade)."""
    return move(obj, user, Action.APPROVE, opinion, changes)


def send_back(obj: Any, user: User, opinion: str) -> ReviewTransition:
    """Submitted → returned with an opinion saying what to fix, by a reviewer of the district."""
    return move(obj, user, Action.SEND_BACK, opinion)


def reopen(obj: Any, user: User, reason: str) -> ReviewTransition:
    """Approved → returned with a reason, by a reviewer of the district; it counts no longer."""
    return move(obj, user, Action.REOPEN, reason)


def move(
    obj: Any, user: User, action: str, opinion: str = "", changes: dict[str, Any] | None = None
) -> ReviewTransition:
    """Apply one transition to `obj` (updated in place) and log it; raises PermissionDenied or
    ValidationError with the reason. The row is locked, so a concurrent move waits and re-checks.
    `changes` (field: value) are stored with the new state, in the same history row, once the
    checks have passed."""
    opinion = (opinion or "").strip()
    changes = changes or {}
    with transaction.atomic():
        record = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        check(record, user, action, opinion)
        for name, value in changes.items():
            setattr(record, name, value)
        step = _apply(record, user, TRANSITIONS[action], opinion, tuple(changes))
        transaction.on_commit(bump_generation)
    obj.review_status = record.review_status
    obj.updated_at = record.updated_at
    for name in changes:
        setattr(obj, name, getattr(record, name))
    return step


def check(obj: Any, user: User, action: str, opinion: str | None = None) -> None:
    """Raise PermissionDenied or ValidationError when `user` may not apply `action` to `obj` now.
    With opinion None the opinion is not checked (to decide which buttons a page shows)."""
    transition = TRANSITIONS.get(action)
    model = type(obj)
    if not is_reviewed(model):
        raise ValidationError(_("This record has no review."), code="not_reviewed")
    if transition is None:
        raise ValidationError(_("Unknown review action “%(action)s”.") % {"action": action}, code="unknown_action")
    names = {"model": model._meta.verbose_name, "record": obj}
    if not user.has_perm(permission_name(model, transition.permission)):
        if transition.permission == "approve":
            raise PermissionDenied(_("You may not review %(model)s records.") % names)
        raise PermissionDenied(_("You may not submit %(model)s records.") % names)
    if not access.in_scope(user, obj):
        raise PermissionDenied(
            _("“%(record)s” lies outside your districts (%(districts)s).")
            % {**names, "districts": access.district_names(user)}
        )
    status = current_status(obj)
    if status not in transition.sources:
        raise ValidationError(_wrong_state_message(transition, obj, status), code="wrong_state")
    if action == Action.SUBMIT:
        missing = evidence.missing_kinds(obj)
        if missing:
            raise ValidationError(evidence.missing_message(obj, missing), code="evidence")
    if transition.four_eyes and _actor_id(user) in authors(obj):
        raise PermissionDenied(
            _("You submitted or last changed “%(record)s”: someone else must approve it (four eyes).") % names
        )
    if transition.needs_opinion and opinion is not None and not opinion.strip():
        if action == Action.REOPEN:
            raise ValidationError(_("Reopening “%(record)s” needs a reason.") % names, code="opinion")
        message = _("Sending “%(record)s” back needs an opinion saying what to fix.")
        raise ValidationError(message % names, code="opinion")


def _wrong_state_message(transition: Transition, obj: models.Model, status: str) -> str:
    names = {"record": obj, "status": ReviewStatus(status).label}
    if transition.action == Action.SUBMIT:
        return _("Only drafts and returned records can be submitted; “%(record)s” is %(status)s.") % names
    if transition.action == Action.REOPEN:
        return _("Only approved records can be reopened; “%(record)s” is %(status)s.") % names
    return _("Only submitted records can be reviewed; “%(record)s” is %(status)s.") % names


def refusal(obj: Any, user: User, action: str, opinion: str | None = None) -> str | None:
    """The message `check` would raise, or None when the move is allowed."""
    try:
        check(obj, user, action, opinion)
    except (PermissionDenied, ValidationError) as error:
        return error_message(error)
    return None


def error_message(error: PermissionDenied | ValidationError) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


def allowed_actions(obj: Any, user: User) -> list[str]:
    """The transitions `user` may apply to `obj` now (an opinion aside)."""
    return [action for action in TRANSITIONS if refusal(obj, user, action) is None]


def _apply(
    record: Any, user: User, transition: Transition, opinion: str, changed: tuple[str, ...] = ()
) -> ReviewTransition:
    """Store the new state (with a history row) and log the step in the review log and the audit log."""
    old = record.review_status
    record.review_status = transition.target
    record._review_transition = True
    record._change_reason = change_reason(Action(transition.action).label, opinion)
    if stored_user(user) is not None:
        record._history_user = user
    record.save(update_fields=["review_status", "updated_at", *changed])
    step = ReviewTransition.objects.create(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        action=transition.action,
        from_status=old,
        to_status=transition.target,
        user=stored_user(user),
        username=getattr(user, "username", "") or "",
        opinion=opinion,
    )
    request = getattr(HistoricalRecords.context, "request", None)
    audit.record(
        AuditEvent.Kind.REVIEW,
        request,
        user,
        model=type(record),
        rows=1,
        detail=f"{record} #{record.pk}: {step.get_action_display()} "
        f"({ReviewStatus(old).label} → {ReviewStatus(transition.target).label})" + (f" — {opinion}" if opinion else ""),
    )
    return step


def change_reason(label: object, opinion: str) -> str:
    """A workflow step's change reason in the history: its label and opinion, within the column's 100."""
    return f"{label}: {opinion}"[:100] if opinion else str(label)


def _actor_id(user: User) -> Any:
    """The user's id, or None for the command-line operator (not a stored user)."""
    return getattr(user, "pk", None)


def stored_user(user: User) -> Any:
    """The user as a foreign key value: None for the command-line operator."""
    return user if _actor_id(user) is not None else None


# --- Four eyes and the timeline


def steps(obj: models.Model) -> models.QuerySet[ReviewTransition]:
    """The review log of `obj`, oldest first."""
    return ReviewTransition.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).order_by("at", "id")


def authors(obj: Any) -> set[int]:
    """User ids of who submitted `obj` last and who last changed its content."""
    submitter = steps(obj).filter(action=Action.SUBMIT).order_by("-at", "-id").values_list("user_id", flat=True)
    ids = set(submitter[:1])
    editor = last_editor_id(obj)
    if editor is not None:
        ids.add(editor)
    return ids - {None}


def last_editor_id(obj: Any) -> int | None:
    """Who made the newest history row that is not a review transition (a transition row changes the
    state the row before it holds; an edit keeps it), nor another workflow's step: a row changing only
    the model's WORKFLOW_FIELDS (a contract's registration). None when no user is known."""
    workflow = tuple(getattr(type(obj), "WORKFLOW_FIELDS", ()))
    rows = list(
        obj.history.order_by("-history_date", "-history_id").values_list(
            "history_user_id", "review_status", *workflow, *(content_fields(type(obj)) if workflow else ())
        )[:HISTORY_LOOKBACK]
    )
    split = 2 + len(workflow)
    for row, older in zip(rows, [*rows[1:], None]):
        if older is not None and older[1] != row[1]:
            continue  # a review transition
        if older is not None and older[2:split] != row[2:split] and older[split:] == row[split:]:
            continue  # a step of the other workflow, the content as it was
        return int(row[0]) if row[0] is not None else None
    return None


def content_fields(model: ModelType) -> list[str]:
    """The stored values of a record that are its content: not its workflows' fields nor timestamps."""
    skipped = {"id", "created_at", "updated_at", "review_status", *getattr(model, "WORKFLOW_FIELDS", ())}
    return [f.name for f in model._meta.concrete_fields if f.name not in skipped]


# --- Counting


_include_submitted: ContextVar[bool] = ContextVar("registry_review_include_submitted", default=False)


@contextmanager
def counting(include_submitted: bool) -> Iterator[None]:
    """Figures computed inside the block count submitted records too when asked (the switch 含待审核
    of the dashboard and the reports), like translation.override for a language."""
    token = _include_submitted.set(include_submitted)
    try:
        yield
    finally:
        _include_submitted.reset(token)


def counted_states(include_submitted: bool | None = None) -> tuple[str, ...]:
    """Approved, plus submitted when asked (None: as the surrounding `counting` block says)."""
    if include_submitted is None:
        include_submitted = _include_submitted.get()
    return (ReviewStatus.APPROVED, ReviewStatus.SUBMITTED) if include_submitted else (ReviewStatus.APPROVED,)


def counted(queryset: QuerySetT, include_submitted: bool | None = None) -> QuerySetT:
    """The records of `queryset` that count in figures: approved ones (and submitted ones when asked).
    Querysets of models without review are returned as they are."""
    if not is_reviewed(queryset.model):
        return queryset
    return queryset.filter(review_status__in=counted_states(include_submitted))


def counted_filter(model: ModelType, include_submitted: bool | None = None) -> dict[str, str]:
    """The admin list's query parameters selecting the records `counted` keeps (none for other models)."""
    if not is_reviewed(model):
        return {}
    states = counted_states(include_submitted)
    if len(states) == 1:
        return {"review_status__exact": states[0]}
    return {"review_status__in": ",".join(states)}


# --- The queue


@dataclass(frozen=True)
class QueueEntry:
    """Records of one model in one state that a user may act on."""

    model: ModelType
    status: str
    count: int

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def url(self) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + f"?review_status__exact={self.status}"


@dataclass(frozen=True)
class Queue:
    total: int
    entries: tuple[QueueEntry, ...]


def queue_counts(user: User) -> Queue:
    """Submitted records the user may review, per model, within their districts (cached briefly;
    every transition starts a new cache generation)."""
    return _counts(user, ReviewStatus.SUBMITTED, [m for m in reviewed_models() if may_review(user, m)])


def returned_counts(user: User) -> Queue:
    """Returned records the user may fix and submit again, per model, within their districts."""
    models = [m for m in reviewed_models() if user.has_perm(permission_name(m, "change"))]
    return _counts(user, ReviewStatus.RETURNED, models)


def _counts(user: User, status: str, chosen: list[ModelType]) -> Queue:
    if not getattr(user, "is_authenticated", False) or not chosen:
        return Queue(0, ())
    key = f"registry:review:{status}:{generation()}:{user.pk}"
    counts: dict[str, int] | None = cache.get(key)
    if counts is None:
        counts = {
            model._meta.label: access.scope_queryset(user, model._default_manager.filter(review_status=status))
            .order_by()
            .count()
            for model in chosen
        }
        cache.set(key, counts, QUEUE_CACHE_SECONDS)
    entries = tuple(QueueEntry(model, status, counts.get(model._meta.label, 0)) for model in chosen)
    return Queue(sum(entry.count for entry in entries), entries)


def generation() -> int:
    """The cache generation of review states: figures cached under an older one are stale."""
    return int(cache.get_or_set(GENERATION_KEY, 0, None) or 0)


def bump_generation() -> None:
    """Counts cached before a transition (queue, dashboard) are not used after it."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key was evicted
        cache.set(GENERATION_KEY, 1, None)
