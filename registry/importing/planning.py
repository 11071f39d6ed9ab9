"""Building the Plan of one file: every row validated, matched to its record and compared.

Nothing here writes, and nothing is read row by row: related records and existing records are
loaded with a few chunked `__in` queries (cells.RelatedNames, existing.ExistingRecords), values are
checked with each field's own rules and the model's clean() on an unsaved instance, uniqueness
inside the file is checked with sets, and the user's district scope is checked on each record.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from registry import access, districts, registration
from registry.models import RegistrationStatus
from registry.models.review import ReviewStatus

from . import preview, since_preview, values
from .cells import HiddenValueError, RelatedNames, clean_cell
from .columns import Column, columns_for, in_chinese
from .existing import Ambiguous, ExistingRecords, ParsedRow, Record
from .header import BoundColumn, bind_header, key_field_names
from .plan import Change, Create, Diff, Links, NewOrganization, Plan, RowError, Update, gc_paused
from .relations import join_parts, shown_identities
from .review_states import STATUS, RowStates, status_label
from .scope import NewLinks
from .workbook_process import SHAREABLE

MAX_PREVIEW_CHANGES = 20_000
# Distinct cells of a column whose cleaned value is remembered (a column of names gains nothing past this).
CLEANED_PER_COLUMN = 4096
UNCHANGING = SHAREABLE | {bool, type(None), decimal.Decimal, NewOrganization}
# The stored districts follow the employer: applying writes them from it (districts.stored_columns).
SKIPPED_ON_WRITE = {"id", "created_at", "updated_at", *districts.STORED_COLUMNS}
Progress = Callable[[int, int], None]
NO_BLANKS: frozenset[str] = frozenset()


class Importer:
    """Builds a Plan for one file of one model, for one user."""

    def __init__(
        self,
        model: type[models.Model],
        user: access.Viewer,
        create_missing: bool = False,
        progress: Progress | None = None,
        clear_blanks: bool = False,
        review_target: str = "",
    ) -> None:
        self.model = model
        self.user = user
        self.clear_blanks = clear_blanks  # whether a blank cell clears the stored value
        self.progress: Progress = progress or (lambda done, total: None)
        self.hidden = set(access.hidden_fields(user, model))
        self.all_columns = columns_for(model)
        self.related = RelatedNames(create_missing, access.can_view_personal_data(user))
        # Column name -> {cell: its cleaned value}; cleaning depends on nothing else (clean_cell).
        self.cleaned_cells: dict[str, dict[Any, Any]] = {}
        self.template: dict[str, Any] | None = None
        self.write_fields = [f for f in model._meta.concrete_fields if f.attname not in SKIPPED_ON_WRITE]
        self.plan = Plan(
            model_label=model._meta.label,
            fields=[f.attname for f in self.write_fields],
            clear_blanks=clear_blanks,
            review_target=review_target,
        )
        self.states = RowStates(model, user, review_target)
        # Unchanged rows matter when the import submits or approves what the file names.
        self.states_move_unchanged = review_target in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)
        self.parent_attname = self.states.parent_field.attname if self.states.parent_field else None
        self.plan.new_organizations = self.related.new_organizations
        self.key_names = key_field_names(model)
        self.identity_column: Column | None = None  # the file's IDENTIFIED_BY column, bound in build()
        self.new_links = NewLinks()
        # A contract's registration fields, written by registrars' imports of new contracts only.
        self.registration_fields = frozenset(getattr(model, "REGISTRATION_FIELDS", ()))

    def error(self, row: int, column: str, value: object, message: object) -> None:
        self.plan.errors.append(RowError(row, column, "" if value is None else str(value), str(message)))

    # -- rows ---------------------------------------------------------------------------------

    def build(self, header: Sequence[object], rows: Sequence[Sequence[Any]], header_line: int = 1) -> Plan:
        self.plan.rows = len(rows)
        self.plan.header_line = header_line
        bound, self.plan.ignored, errors = bind_header(self.model, self.all_columns, self.hidden, header, header_line)
        self.plan.errors.extend(errors)
        if self.plan.errors:
            return self.plan
        self.related.load(bound, rows)
        parsed: list[ParsedRow] = []
        seen_keys: dict[tuple[Any, ...], int] = {}
        seen_identities: dict[Any, int] = {}
        identified_by = getattr(self.model, "IDENTIFIED_BY", None)
        self.identity_column = next((column for _, column in bound if column.name == identified_by), None)
        for number, row in enumerate(rows, start=header_line + 1):
            if all(values.is_blank(cell) for cell in row):
                continue
            cleaned = self.clean_row(number, row, bound)
            if cleaned is None:
                continue
            key = tuple(cleaned.get(name) for name in self.key_names)
            identity = self.identity_of(cleaned)
            if identity is not None and self.identity_column is not None:  # the same number twice, whatever the names
                if identity in seen_identities:
                    message = _("the same value is already in row %(row)d") % {"row": seen_identities[identity]}
                    self.error(number, self.identity_column.label, identity, message)
                    continue
                seen_identities[identity] = number
            elif key in seen_keys:
                message = _("the same record is already in row %(row)d") % {"row": seen_keys[key]}
                self.error(number, "", self.key_text(cleaned), message)
                continue
            else:
                seen_keys[key] = number
            parsed.append(ParsedRow(number, key, cleaned, self.blank_cells(row, bound, identity is not None)))
            if number % 5000 == 0:
                self.progress(number, len(rows) * 2)
        self.match_and_compare(parsed, [column for _, column in bound])
        preview.name_related_values(self.model, self.plan.changes, bound, self.related)
        self.progress(len(rows) * 2, len(rows) * 2)
        return self.plan

    def blank_cells(self, row: Sequence[Any], bound: list[BoundColumn], identified: bool = False) -> frozenset[str]:
        """The fields whose cells are blank and so leave an existing record's value alone (unless
        the user chose to clear with blanks); key fields take part in matching, so a blank one
        counts, unless the row is `identified` by its IDENTIFIED_BY value (a number, no employer)."""
        if self.clear_blanks:
            return NO_BLANKS
        blank = frozenset(
            column.name
            for position, column in bound
            if (identified or column.name not in self.key_names)
            and (position >= len(row) or values.is_blank(row[position]))
        )
        return blank or NO_BLANKS  # one object for the many full rows (216 bytes each otherwise)

    def identity_of(self, cleaned: dict[str, Any]) -> Any:
        """The row's IDENTIFIED_BY value (identity number, registration number), None when it has none."""
        if self.identity_column is None:
            return None
        value = cleaned.get(self.identity_column.name)
        return None if value in (None, "") else value

    def key_text(self, cleaned: dict[str, Any]) -> str:
        return join_parts(preview.display(self.model, cleaned.get(name), name, self.related) for name in self.key_names)

    def clean_row(self, number: int, row: Sequence[Any], bound: list[BoundColumn]) -> dict[str, Any] | None:
        cleaned, ok = {}, True
        for position, column in bound:
            raw = row[position] if position < len(row) else None
            known = self.cleaned_cells.setdefault(column.name, {})
            key = raw if type(raw) is str else (type(raw), raw) if type(raw) in SHAREABLE else None
            if key is not None and key in known:  # 男, 否, an employer, a date: cleaned once per column
                value = known[key]
                cleaned[column.name] = list(value) if column.is_m2m else value
                continue
            try:
                value = cleaned[column.name] = clean_cell(raw, column, self.related)
            except ValueError as error:
                self.error(number, column.label, "" if isinstance(error, HiddenValueError) else raw, error)
                ok = False
            except ValidationError as error:
                self.error(number, column.label, raw, " ".join(error.messages))
                ok = False
            else:
                if key is not None and len(known) < CLEANED_PER_COLUMN:
                    if column.is_m2m:
                        known[key] = tuple(value)
                    elif type(value) in UNCHANGING:  # never a dict or list a row could change
                        known[key] = value
        return cleaned if ok else None

    # -- matching existing records --------------------------------------------------------------

    def match_and_compare(self, parsed: list[ParsedRow], columns: list[Column]) -> None:
        plain = [c for c in columns if not c.is_m2m]
        many = [c for c in columns if c.is_m2m]
        key_fields = [field_of(self.model, name) for name in self.key_names]
        unique_columns = [c for c in plain if c.field.unique and c.name not in self.key_names]
        existing = ExistingRecords(self.model, self.plan.fields)
        existing.load(parsed, key_fields, unique_columns, many)
        if self.parent_attname:
            link = self.states.parent_field.name  # type: ignore[union-attr]
            parents = {row.cleaned.get(link) for row in parsed}
            self.states.load_parents(parents | {record[self.parent_attname] for record in existing.by_pk.values()})
        seen: dict[str, dict[Any, int]] = {column.name: {} for column in unique_columns}
        claimed: dict[int, int] = {}  # pk -> the row that updates it
        for row in parsed:
            try:
                target = existing.match(row, unique_columns, claimed)
            except Ambiguous as error:
                key_labels = " / ".join(field_label(self.model, name) for name in self.key_names)
                self.error(row.number, key_labels, self.key_text(row.cleaned), self.ambiguity(error.candidates))
                continue
            if target is not None and target["pk"] in claimed:
                message = _("the same record is already in row %(row)d") % {"row": claimed[target["pk"]]}
                self.error(row.number, "", self.key_text(row.cleaned), message)
                continue
            if not self.check_unique(row, unique_columns, seen, existing, target):
                continue
            if target is None:
                self.plan_create(row, plain, many)
            else:
                claimed[target["pk"]] = row.number
                self.plan_update(row, target, plain, many, existing)

    def ambiguity(self, candidates: list[Record]) -> str:
        """Why a row naming several records is refused: the candidates by their IDENTIFIED_BY value
        (masked for a user who may not see it), and what the row needs to say which it is."""
        identified_by = getattr(self.model, "IDENTIFIED_BY", None)
        details: dict[str, Any] = {"count": len(candidates), "model": self.model._meta.verbose_name_plural}
        if identified_by is None:
            return _("this names %(count)d %(model)s; they cannot be told apart") % details
        identity = field_of(self.model, identified_by)
        named = shown_identities((record.get(identity.attname) for record in candidates), identity.name in self.hidden)
        details.update(field=in_chinese(identity.verbose_name), values="、".join(named))
        if identity.name in self.hidden:
            return (
                _(
                    "this names %(count)d %(model)s (%(field)s: %(values)s); the row needs the %(field)s to say "
                    "which one it is, so staff with the 个人信息查看 role must import it"
                )
                % details
            )
        return _("this names %(count)d %(model)s (%(field)s: %(values)s); fill in the %(field)s to say which one") % (
            details
        )

    def check_unique(
        self,
        row: ParsedRow,
        unique_columns: list[Column],
        seen: dict[str, dict[Any, int]],
        existing: ExistingRecords,
        target: Record | None,
    ) -> bool:
        """A unique value may appear once in the file and, for a matched record, belong to no other."""
        ok = True
        for column in unique_columns:
            value = row.cleaned.get(column.name)
            if value in (None, ""):
                continue
            if value in seen[column.name]:
                message = _("the same value is already in row %(row)d") % {"row": seen[column.name][value]}
                self.error(row.number, column.label, value, message)
                ok = False
                continue
            seen[column.name][value] = row.number
            owner = existing.owners[column.name].get(value)
            if target is not None and owner is not None and owner != target["pk"]:
                self.error(row.number, column.label, value, _("the value belongs to another record"))
                ok = False
        return ok

    # -- planning each row --------------------------------------------------------------------

    def new_instance(self) -> models.Model:
        """A fresh unsaved instance with defaults; copying a template is far cheaper than __init__."""
        if self.template is None:
            self.template = self.model().__dict__.copy()
            del self.template["_state"]
        instance = self.model.__new__(self.model)
        instance.__dict__.update(self.template)
        instance._state = ModelState()
        return instance

    def plan_create(self, row: ParsedRow, plain: list[Column], many: list[Column]) -> None:
        cleaned = row.cleaned
        instance = self.new_instance()
        attributes = instance.__dict__
        for column in plain:
            value = cleaned[column.name]
            attributes[column.attname] = None if isinstance(value, NewOrganization) else value
        state, refusal = self.states.create_state()
        if self.parent_attname:
            refusal = refusal or self.states.parent_refusal(attributes.get(self.parent_attname))
        if refusal:
            self.error(row.number, "", self.key_text(cleaned), refusal)
            return
        if state:
            attributes[STATUS] = state
        linked = self.scope_links(cleaned, many)
        if not self.validate_instance(row.number, instance, plain, linked):
            return
        registered = [c for c in plain if c.name in self.registration_fields and cleaned[c.name] not in (None, "")]
        if registered:
            if not self.registration_allowed(row, registered, RegistrationStatus.PENDING, instance, linked):
                return
            attributes["registration_status"] = RegistrationStatus.REGISTERED
        record = [attributes[name] for name in self.plan.fields]
        if self.plan.new_organizations:
            for position, model_field in enumerate(self.write_fields):
                value = cleaned.get(model_field.name)
                if isinstance(value, NewOrganization):
                    record[position] = value  # created when the plan is applied
        links: Links = {column.name: cleaned[column.name] for column in many if cleaned[column.name]}
        self.plan.creates.append(Create(record, links, row.number))
        self.note_change(row, "new", [])

    def plan_update(
        self, row: ParsedRow, record: Record, plain: list[Column], many: list[Column], existing: ExistingRecords
    ) -> None:
        cleaned, pk = row.cleaned, record["pk"]
        plain = [c for c in plain if c.name not in row.blank]  # blank cells leave stored values alone
        many = [c for c in many if c.name not in row.blank]
        changed = [c for c in plain if cleaned[c.name] != record[c.attname]]
        registered = [c for c in changed if c.name in self.registration_fields]
        many_changed = [c for c in many if set(cleaned[c.name]) != existing.links_of(c.name, pk)]
        if not changed and not many_changed and not self.states_move_unchanged:
            self.plan.unchanged += 1
            return
        instance = self.model(**{name: record[name] for name in self.plan.fields}, pk=pk)
        if not access.in_scope(self.user, instance):
            self.error(row.number, "", "", _("the existing record lies outside your districts"))
            return
        for column in changed:
            value = cleaned[column.name]
            setattr(instance, column.attname, None if isinstance(value, NewOrganization) else value)
        if registered:
            status = record["registration_status"]
            if not self.registration_allowed(row, registered, status, instance, self.scope_links(cleaned, many)):
                return
            setattr(instance, "registration_status", RegistrationStatus.REGISTERED)  # noqa: B010 - a contract's field
        state, refusal = self.states.update_state(record, instance, bool(changed or many_changed))
        if self.parent_attname and (changed or many_changed):
            refusal = refusal or self.states.parent_refusal(
                record[self.parent_attname], getattr(instance, self.parent_attname)
            )
        if refusal:
            self.error(row.number, "", self.key_text(cleaned), refusal)
            return
        if not changed and not many_changed and state is None:
            self.plan.unchanged += 1
            return
        if state:
            setattr(instance, STATUS, state)
        if not self.validate_instance(row.number, instance, plain, self.scope_links(cleaned, many)):
            return
        new_values = [getattr(instance, name) for name in self.plan.fields]
        for column in changed:
            if isinstance(cleaned[column.name], NewOrganization):
                new_values[self.plan.fields.index(column.attname)] = cleaned[column.name]
        changed_names = [name for position, name in enumerate(self.plan.fields) if new_values[position] != record[name]]
        if not changed_names and not many_changed:
            self.plan.unchanged += 1
            return
        links: Links = {column.name: cleaned[column.name] for column in many_changed}
        version = since_preview.version(record, self.plan.fields)
        self.plan.updates.append(Update(pk, new_values, changed_names, links, row.number, version))
        diffs = [Diff(c.label, record[c.attname], cleaned[c.name]) for c in changed]
        diffs += [Diff(c.label, sorted(existing.links_of(c.name, pk)), cleaned[c.name]) for c in many_changed]
        if state:
            diffs.append(Diff(field_label(self.model, STATUS), status_label(record[STATUS]), status_label(state)))
        self.note_change(row, "update", diffs)

    def registration_allowed(
        self,
        row: ParsedRow,
        columns: list[Column],
        status: str,
        instance: models.Model | None = None,
        links: dict[str, list[models.Model]] | None = None,
    ) -> bool:
        """Whether the row may write the registration cells `columns` of a contract whose registration
        is in `status` (registry/registration.py); an error on each cell when not. A new contract's
        seller must lie in the registrar's districts (an existing one's: the scope check of its row)."""
        refusal = registration.import_refusal(self.user, [c.name for c in columns], status)
        if refusal is None and instance is not None and not registration.in_seller_district(self.user, instance, links):
            refusal = _("a contract is registered in its seller's district, which is not one of yours")
        for column in columns if refusal else ():
            self.error(row.number, column.label, row.cleaned[column.name], refusal)
        return refusal is None

    def scope_links(self, cleaned: dict[str, Any], many: list[Column]) -> dict[str, list[models.Model]] | None:
        """The records the row's many-to-many cells link to, for a scoped user's scope check."""
        if not many or not access.is_scoped(self.user):
            return None
        return self.new_links.of(cleaned, many)

    def validate_instance(
        self, number: int, instance: models.Model, plain: list[Column], links: dict[str, list[models.Model]] | None
    ) -> bool:
        """The model's own clean() (identity number check, birth date, ...) and the user's scope on
        the row's new values, its many-to-many `links` included."""
        try:
            instance.clean()
        except ValidationError as error:
            labels = {c.name: c.label for c in plain}
            by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
            hidden = [name for name in by_field if name in self.hidden]
            if hidden:  # stored personal values the user does not see: named, never shown
                self.error(number, "", "", access.hidden_value_error(field_label(self.model, name) for name in hidden))
            for name, messages in by_field.items():
                if name in hidden:
                    continue
                label = "" if name == NON_FIELD_ERRORS else labels.get(name) or field_label(self.model, name)
                value = getattr(instance, name, "") if name != NON_FIELD_ERRORS else ""
                self.error(number, label, value, " ".join(messages))
            return False
        if not access.in_scope(self.user, instance, links):
            self.error(number, "", "", _("the record lies outside your districts"))
            return False
        return True

    def note_change(self, row: ParsedRow, action: str, diffs: list[Diff]) -> None:
        if len(self.plan.changes) >= MAX_PREVIEW_CHANGES:
            return
        self.plan.changes.append(Change(row.number, action, self.key_text(row.cleaned), diffs))


def field_of(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a field")
    return model_field


def field_label(model: type[models.Model], name: str) -> str:
    """The Chinese label of a field a clean() names, or the name itself when it is not a field."""
    try:
        return in_chinese(field_of(model, name).verbose_name)
    except (FieldDoesNotExist, TypeError):
        return name


def build_plan(
    model: type[models.Model],
    header: Sequence[object],
    rows: Sequence[Sequence[Any]],
    user: access.Viewer,
    create_missing: bool = False,
    progress: Progress | None = None,
    clear_blanks: bool = False,
    header_line: int = 1,
    review_target: str = "",
) -> Plan:
    """The Plan of importing `rows` (under `header`, on line `header_line` of the file, so errors name
    the file's own line numbers) into `model` as `user`; nothing is written.
    Blank cells leave the stored values of existing records alone unless `clear_blanks`; written rows
    of a reviewed model land in `review_target` (review_states.py)."""
    importer = Importer(model, user, create_missing, progress, clear_blanks, review_target)
    with gc_paused():
        return importer.build(header, rows, header_line)
