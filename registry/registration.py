"""Technology contract registration (技术合同认定登记): 待登记 → 已登记 or 不予登记; 已登记 → 已变更 or 已注销.

Every change of a contract's registration goes through `register`, `refuse`, `change` and `cancel`
(the buttons on a contract's page). They raise PermissionDenied or ValidationError with a Chinese
message. Imports only transcribe registrations made at the registration office (`import_refusal`).
Rules:
- Registrars hold registry.register_techcontract (the 技术合同登记员 role, and administrators).
- The seller's district registers: a scoped registrar registers a contract only when one of its
  sellers lies in the registrar's districts (the contract's buyers' districts see it, but do not
  register it).
- Only approved contracts are registered (the city has reviewed the content), and nobody registers
  a contract they submitted or last changed (four eyes, as for approval).
- Registering needs the registration number, the date and the registrar organization; the date is
  not before signing and not in the future, and the transaction amount stays within the contract
  amount. Refusing, changing and cancelling need a reason; a change registration keeps the earlier
  registration in the steps and in the history.
- Contracts whose technology transaction amount reaches CONTRACT_EXPERT_REVIEW_THRESHOLD (万元) are
  flagged for expert review on their page, in their list and on their steps.
Each step is logged (ContractRegistration), written to the contract's history with the reason as
the change reason, and to the audit log. The contract's row is locked while a step is applied, so
two registrars cannot register one contract twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from registry import access, audit, review
from registry.importing.relations import chunks
from registry.models import AuditEvent, ContractRegistration, Organization, RegistrationStatus, ReviewStatus
from registry.models import TechContract as Contract

Action = ContractRegistration.Action
PERMISSION = "registry.register_techcontract"
SELLER_PATHS = ("sellers__division", "sellers__zone")


@dataclass(frozen=True)
class Step:
    """A registration move from one of `sources` to `target`; `records` says it writes the
    registration number, date and registrar."""

    action: str
    sources: frozenset[str]
    target: str
    records: bool = False
    needs_reason: bool = False


REGISTERED_STATES = frozenset({RegistrationStatus.REGISTERED, RegistrationStatus.CHANGED})
STEPS: dict[str, Step] = {
    Action.REGISTER: Step(
        Action.REGISTER, frozenset({RegistrationStatus.PENDING}), RegistrationStatus.REGISTERED, records=True
    ),
    Action.REFUSE: Step(
        Action.REFUSE, frozenset({RegistrationStatus.PENDING}), RegistrationStatus.REFUSED, needs_reason=True
    ),
    Action.CHANGE: Step(Action.CHANGE, REGISTERED_STATES, RegistrationStatus.CHANGED, records=True, needs_reason=True),
    Action.CANCEL: Step(Action.CANCEL, REGISTERED_STATES, RegistrationStatus.CANCELLED, needs_reason=True),
}


@dataclass(frozen=True)
class Registration:
    """What a registering step records."""

    number: str
    registered_on: datetime.date | None
    registrar: Organization | None


def may_register(user: Any) -> bool:
    return bool(user.has_perm(PERMISSION))


def in_seller_district(user: Any, contract: models.Model, values: dict[str, Any] | None = None) -> bool:
    """Whether one of the contract's sellers lies in the user's districts (always for unscoped users)."""
    return access.reaches(user, contract, SELLER_PATHS, values)


def check(contract: Contract, user: Any, action: str) -> None:
    """Raise PermissionDenied or ValidationError when `user` may not take `action` on `contract` now
    (the values a registering step records are checked by `apply`)."""
    step = STEPS.get(action)
    if step is None:
        raise ValidationError(_("Unknown registration action “%(action)s”.") % {"action": action})
    names = {"record": contract}
    if not may_register(user):
        raise PermissionDenied(_("You may not register technology contracts."))
    if not in_seller_district(user, contract):
        raise PermissionDenied(
            _("“%(record)s” is registered in its seller's district, which is not one of yours (%(districts)s).")
            % {**names, "districts": access.district_names(user)}
        )
    status = contract.registration_status
    if status not in step.sources:
        if action == Action.REGISTER:
            message = _("Only contracts awaiting registration can be registered; “%(record)s” is %(status)s.")
        elif action == Action.REFUSE:
            message = _("Only contracts awaiting registration can be refused; “%(record)s” is %(status)s.")
        else:
            message = _("Only registered contracts can be changed or cancelled; “%(record)s” is %(status)s.")
        raise ValidationError(message % {**names, "status": RegistrationStatus(status).label}, code="wrong_state")
    if review.current_status(contract) != ReviewStatus.APPROVED:
        raise ValidationError(
            _("“%(record)s” must be approved in review before its registration changes; it is %(status)s.")
            % {**names, "status": ReviewStatus(review.current_status(contract)).label},
            code="not_approved",
        )
    if review._actor_id(user) in review.authors(contract):
        raise PermissionDenied(
            _("You submitted or last changed “%(record)s”: someone else must register it (four eyes).") % names
        )


def refusal(contract: Contract, user: Any, action: str) -> str | None:
    """The message `check` would raise, or None when the step is allowed."""
    try:
        check(contract, user, action)
    except (PermissionDenied, ValidationError) as error:
        return review.error_message(error)
    return None


def allowed_actions(contract: Contract, user: Any) -> list[str]:
    return [action for action in STEPS if refusal(contract, user, action) is None]


def register(contract: Contract, user: Any, registration: Registration, note: str = "") -> ContractRegistration:
    """待登记 → 已登记 with the registration number, date and registrar."""
    return apply(contract, user, Action.REGISTER, note, registration)


def refuse(contract: Contract, user: Any, reason: str) -> ContractRegistration:
    """待登记 → 不予登记, with the reason."""
    return apply(contract, user, Action.REFUSE, reason)


def change(contract: Contract, user: Any, registration: Registration, reason: str) -> ContractRegistration:
    """已登记 → 已变更: a change registration; the earlier one stays in the steps and the history."""
    return apply(contract, user, Action.CHANGE, reason, registration)


def cancel(contract: Contract, user: Any, reason: str) -> ContractRegistration:
    """已登记 → 已注销, with the reason; the registration number stays with the contract."""
    return apply(contract, user, Action.CANCEL, reason)


def apply(
    contract: Contract, user: Any, action: str, reason: str = "", registration: Registration | None = None
) -> ContractRegistration:
    """Take one registration step on `contract` (updated in place) and log it, the row locked."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Contract._default_manager.select_for_update().get(pk=contract.pk)
        check(locked, user, action)  # an unknown action too
        step = STEPS[action]
        if step.needs_reason and not reason:
            raise ValidationError(_("This registration step needs a reason."), code="reason")
        changed: tuple[str, ...] = ()
        if step.records:
            changed = record_values(locked, registration, action)
        logged = write(locked, user, action, step.target, reason, changed)
    for name in ("registration_status", "updated_at", *changed):
        setattr(contract, name, getattr(locked, name))
    return logged


def record_values(contract: Contract, registration: Registration | None, action: str) -> tuple[str, ...]:
    """Put the registration on `contract` after checking it; the names of the fields it changed."""
    if registration is None:
        raise ValidationError(_("Registering needs the registration number, the date and the registrar."))
    number = registration.number.strip()
    errors: dict[str, list[str]] = {}
    if not number:
        errors["registration_number"] = [_("Registering needs the registration number.")]
    elif Contract._default_manager.filter(registration_number=number).exclude(pk=contract.pk).exists():
        errors["registration_number"] = [
            _("The registration number %(number)s belongs to another contract.") % {"number": number}
        ]
    if registration.registered_on is None:
        errors["registered_on"] = [_("Registering needs the registration date.")]
    elif registration.registered_on > timezone.localdate():
        errors["registered_on"] = [_("The registration date cannot be in the future.")]
    if registration.registrar is None:
        errors["registrar"] = [_("Registering needs the registrar.")]
    if errors:
        raise ValidationError(errors)
    values = {
        "registration_number": number,
        "registered_on": registration.registered_on,
        "registrar_id": registration.registrar.pk,  # type: ignore[union-attr]  # checked above
    }
    changed = tuple(name for name, value in values.items() if getattr(contract, name) != value)
    if action == Action.CHANGE and not changed:
        raise ValidationError(_("A change registration must change the number, the date or the registrar."))
    for name, value in values.items():
        setattr(contract, name, value)
    contract.clean()  # registered on or after signing; transaction amount within the contract amount
    return tuple(name.removesuffix("_id") for name in changed)


def write(
    contract: Contract, user: Any, action: str, target: str, reason: str, changed: tuple[str, ...] = ()
) -> ContractRegistration:
    """Store the new state and values (with a history row) and log the step and the audit event."""
    old = contract.registration_status
    contract.registration_status = target
    contract._review_transition = True  # type: ignore[attr-defined]  # an approved contract's registration changes
    label = Action(action).label
    contract._change_reason = review.change_reason(label, reason)  # type: ignore[attr-defined]
    if review.stored_user(user) is not None:
        contract._history_user = user  # type: ignore[attr-defined]
    contract.save(update_fields=["registration_status", "updated_at", *changed])
    logged = step_row(contract, user, action, old, reason)
    logged.save()
    request = getattr(HistoricalRecords.context, "request", None)
    detail = (
        f"{contract} #{contract.pk}: {label} "
        f"({RegistrationStatus(old).label} → {RegistrationStatus(target).label})"
        + (f" {contract.registration_number}" if contract.registration_number else "")
        + (f" — {reason}" if reason else "")
    )
    audit.record(AuditEvent.Kind.REGISTRATION, request, user, model=Contract, rows=1, detail=detail)
    return logged


def step_row(contract: Contract, user: Any, action: str, old: str, reason: str) -> ContractRegistration:
    """The (unsaved) log row of a step that moved `contract` from `old` to its present registration."""
    return ContractRegistration(
        contract=contract,
        action=action,
        from_status=old,
        to_status=contract.registration_status,
        registration_number=contract.registration_number or "",
        registered_on=contract.registered_on,
        registrar_name=str(contract.registrar) if contract.registrar_id else "",
        reason=reason,
        expert_review=contract.needs_expert_review,
        user=review.stored_user(user),
        username=getattr(user, "username", "") or "",
    )


# --- Imports


def import_refusal(user: Any, changed: list[str], status: str) -> str | None:
    """Why an import row may not write the registration fields `changed` of a contract whose
    registration is in `status` (a new contract: pending), or None. Imports transcribe registrations
    made at the registration office (the upstream system's numbers), so only registrars import them,
    and only onto contracts still awaiting registration (whatever review state the rows land in); a
    registered contract's registration changes on its page, through the steps above."""
    if not changed:
        return None
    if not may_register(user):
        return _("only technology contract registrars may import registration numbers, dates and registrars")
    if status != RegistrationStatus.PENDING:
        return _("an existing contract's registration is changed on its page (变更登记), not by import")
    return None


def log_imported(user: Any, pks: list[int], file_name: str) -> None:
    """The registration step of the contracts a registrar imported with their registration (bulk,
    inside the import's transaction)."""
    if not pks:
        return
    note = _("Imported from %(file)s") % {"file": file_name}
    for chunk in chunks(pks):
        contracts = Contract._default_manager.filter(pk__in=chunk).select_related("registrar")
        ContractRegistration.objects.bulk_create(
            step_row(contract, user, Action.IMPORT, RegistrationStatus.PENDING, note) for contract in contracts
        )
    audit.record(
        AuditEvent.Kind.REGISTRATION, user=user, model=Contract, rows=len(pks), file_name=file_name, detail=note
    )


def steps(contract: Contract) -> list[ContractRegistration]:
    """The contract's registration steps, oldest first."""
    return list(contract.registration_steps.select_related("user").order_by("at", "id"))
