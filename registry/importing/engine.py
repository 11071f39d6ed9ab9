"""The fast import engine: validate a whole file with set-based queries, then apply it in bulk.

`build_plan` reads nothing row by row from the database: natural keys of related records and of
existing rows are resolved with a few chunked `__in` queries, values are checked in Python with each
field's own validation and the model's `clean()`, and uniqueness inside the file is checked with sets.
The resulting Plan says what would be created, updated or left unchanged, and why rows were
rejected. `apply_plan` writes it in one transaction with bulk_create/bulk_update and bulk history
rows (simple_history's helpers) naming the user and the file.
"""

from __future__ import annotations

import datetime
import decimal
import json
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import access
from registry.models import AuditEvent, Organization

from . import bulk, values
from .columns import Column, columns_for, header_index, in_chinese, normalise_header
from .relations import Resolver, chunks, display_map, join_parts, split_many

BATCH = 2000
MAX_PREVIEW_CHANGES = 20_000
SKIPPED_ON_WRITE = {"id", "created_at", "updated_at"}
# The error column of our own error workbook, so a corrected error workbook can be uploaded again.
IGNORED_HEADERS = {"错误", "errors"}


@dataclass
class RowError:
    row: int  # spreadsheet row number; the header is row 1
    column: str
    value: str
    message: str

    def __str__(self):
        where = _("row %(row)d") % {"row": self.row}
        if self.column:
            where += _(", column “%(column)s”") % {"column": self.column}
        if self.value:
            where += _(", value “%(value)s”") % {"value": self.value}
        return f"{where}：{self.message}"


@dataclass
class Plan:
    """What importing a file would do. Stored as JSON between preview and confirmation."""

    model_label: str
    fields: list[str] = field(default_factory=list)  # attnames of `creates` and `updates` values
    creates: list[list] = field(default_factory=list)
    updates: list[list] = field(default_factory=list)  # [pk, values, changed attnames]
    many: list[list] = field(default_factory=list)  # [index in creates or -pk, field name, [pks]]
    new_organizations: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[list] = field(default_factory=list)  # [row, "new"/"update", record, [[label, old, new]]]
    rows: int = 0
    ignored: list[str] = field(default_factory=list)  # personal-data columns the user may not import

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.model_label)

    @property
    def counts(self) -> dict:
        error_rows = len({error.row for error in self.errors})
        return {
            "new": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "errors": error_rows,
            "rows": self.rows,
        }

    @property
    def has_changes(self) -> bool:
        return bool(self.creates or self.updates)

    def to_json(self) -> str:
        data = {
            key: getattr(self, key)
            for key in (
                "model_label",
                "fields",
                "creates",
                "updates",
                "many",
                "new_organizations",
                "unchanged",
                "changes",
                "rows",
                "ignored",
            )
        }
        data["errors"] = [[e.row, e.column, e.value, e.message] for e in self.errors]
        return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Plan:
        data = json.loads(text)
        data["errors"] = [RowError(*error) for error in data["errors"]]
        plan = cls(**data)
        plan.restore_types()
        return plan

    def restore_types(self) -> None:
        """JSON turned dates and decimals into strings; turn them back."""
        model = self.model
        typed = [
            (index, model._meta.get_field(name))
            for index, name in enumerate(self.fields)
            if isinstance(model._meta.get_field(name), (models.DateField, models.DecimalField))
        ]
        for row in self.creates + [update[1] for update in self.updates]:
            for index, model_field in typed:
                if isinstance(row[index], str):
                    row[index] = model_field.to_python(row[index])


def model_field_by_attname(model, attname):
    for model_field in model._meta.concrete_fields:
        if model_field.attname == attname:
            return model_field
    raise KeyError(attname)


def key_field_names(model) -> list[str]:
    """Fields of the model that make up its natural key (talent__name -> talent)."""
    names = []
    for path in model.NATURAL_KEY:
        name = path.split("__")[0]
        if name not in names:
            names.append(name)
    return names


class Importer:
    """Builds a Plan for one file of one model, for one user."""

    def __init__(self, model, user, create_missing=False, progress=None):
        self.model = model
        self.user = user
        self.create_missing = create_missing
        self.progress = progress or (lambda done, total: None)
        self.hidden = set(access.hidden_fields(user, model))
        self.all_columns = columns_for(model)
        self.resolvers: dict = {}
        self.template = None
        self.write_fields = [f for f in model._meta.concrete_fields if f.attname not in SKIPPED_ON_WRITE]
        self.plan = Plan(model_label=model._meta.label, fields=[f.attname for f in self.write_fields])

    # -- header -------------------------------------------------------------------------------

    def bind_header(self, header) -> list[tuple[int, Column]]:
        """(position, column) of every usable header; header problems become row-1 errors."""
        index = header_index(self.all_columns)
        bound, seen = [], {}
        for position, title in enumerate(header):
            if values.is_blank(title) or str(title).strip() in IGNORED_HEADERS:
                continue
            column = index.get(normalise_header(title))
            if column is None:
                self.error(1, str(title), "", _("unknown column"))
            elif column.name in seen:
                self.error(1, str(title), "", _("the column appears twice"))
            else:
                seen[column.name] = position
                if column.name in self.hidden:
                    self.plan.ignored.append(column.label)
                else:
                    bound.append((position, column))
        for column in self.all_columns:
            key_needed = column.name in key_field_names(self.model) and not column.field.null
            if column.name not in seen and (column.is_required or key_needed):
                self.error(1, column.label, "", _("required column is missing"))
        return bound

    def error(self, row, column, value, message):
        self.plan.errors.append(RowError(row, column, "" if value is None else str(value), str(message)))

    # -- rows ---------------------------------------------------------------------------------

    def build(self, header, rows) -> Plan:
        self.plan.rows = len(rows)
        bound = self.bind_header(header)
        if self.plan.errors:
            return self.plan
        self.resolve_relations(bound, rows)
        parsed = []
        seen_keys: dict = {}
        key_names = key_field_names(self.model)
        for number, row in enumerate(rows, start=2):
            if all(values.is_blank(cell) for cell in row):
                continue
            cleaned = self.clean_row(number, row, bound)
            if cleaned is None:
                continue
            key = tuple(hashable(cleaned.get(name)) for name in key_names)
            if key in seen_keys:
                self.error(
                    number,
                    "",
                    self.key_text(cleaned, key_names),
                    _("the same record is already in row %(row)d") % {"row": seen_keys[key]},
                )
                continue
            seen_keys[key] = number
            parsed.append((number, key, cleaned))
            if number % 5000 == 0:
                self.progress(number, len(rows) * 2)
        self.match_and_compare(parsed, bound, key_names)
        self.name_related_values(bound)
        self.progress(len(rows) * 2, len(rows) * 2)
        return self.plan

    def key_text(self, cleaned, key_names) -> str:
        return join_parts(self.display(cleaned.get(name), name) for name in key_names)

    def display(self, value, name):
        """A cleaned value as text; related pks by the name the file used."""
        model_field = self.model._meta.get_field(name)
        if isinstance(value, dict):
            return value["new"]
        if model_field.is_relation and value is not None:
            names = self.resolver(model_field.related_model).names()
            if isinstance(value, list):
                return "；".join(names.get(pk, str(pk)) for pk in value)
            return names.get(value, str(value))
        return value

    def name_related_values(self, bound):
        """Old and new related records in the preview are shown by name, not by pk."""
        relations = {c.label: c for _, c in bound if c.is_relation}
        wanted: dict = {}
        for change in self.plan.changes:
            for diff in change[3]:
                column = relations.get(diff[0])
                if column is not None:
                    old = diff[1] if isinstance(diff[1], list) else [diff[1]]
                    wanted.setdefault(column.related_model, set()).update(pk for pk in old if pk is not None)
        names = {model: display_map(model, pks) for model, pks in wanted.items()}
        for change in self.plan.changes:
            for diff in change[3]:
                column = relations.get(diff[0])
                if column is None:
                    diff[1], diff[2] = describe(diff[1]), describe(diff[2])
                    continue
                old = diff[1] if isinstance(diff[1], list) else [diff[1]]
                diff[1] = "；".join(names[column.related_model].get(pk, "") for pk in old if pk is not None)
                diff[2] = describe(self.display(diff[2], column.name))

    def resolver(self, related_model) -> Resolver:
        if related_model not in self.resolvers:
            self.resolvers[related_model] = Resolver(related_model)
        return self.resolvers[related_model]

    def resolve_relations(self, bound, rows):
        """Load every related record named anywhere in the file with a few queries per column."""
        for position, column in bound:
            if not column.is_relation:
                continue
            texts = set()
            for row in rows:
                cell = row[position] if position < len(row) else None
                if not values.is_blank(cell):
                    text = values.parse_text(cell)
                    texts.update(split_many(text) if column.is_m2m else [text])
            self.resolver(column.related_model).load(texts)

    def clean_row(self, number, row, bound) -> dict | None:
        cleaned, ok = {}, True
        for position, column in bound:
            raw = row[position] if position < len(row) else None
            try:
                cleaned[column.name] = self.clean_cell(raw, column)
            except ValueError as error:
                self.error(number, column.label, raw, error)
                ok = False
            except ValidationError as error:
                self.error(number, column.label, raw, " ".join(error.messages))
                ok = False
        return cleaned if ok else None

    def clean_cell(self, raw, column: Column):
        model_field = column.field
        if column.is_m2m:
            if values.is_blank(raw):
                return []
            return [self.related_pk(text, column) for text in split_many(values.parse_text(raw))]
        if raw is None or raw == "" or (type(raw) is str and not raw.strip()):
            value = blank_value(model_field)
        elif column.is_fk:
            value = self.related_pk(values.parse_text(raw), column)
        else:
            try:
                value = column.parser(raw)
            except (ValueError, decimal.InvalidOperation, OverflowError) as error:
                raise ValueError(str(error) or _("invalid value")) from error
        if column.is_fk:
            if value is None and not model_field.null:
                raise ValueError(_("this column must not be empty"))
            return value
        # What Field.validate() checks, minus the choices (parse() mapped them already).
        if value is None and not model_field.null:
            raise ValidationError(model_field.error_messages["null"])
        if value == "" and not model_field.blank:
            raise ValidationError(model_field.error_messages["blank"])
        if value is None or value == "":
            return value
        length_check = column.length_validator
        if length_check is not None and len(value) > length_check.limit_value:
            length_check(value)
        for validator in column.validators:
            validator(value)
        return value

    def related_pk(self, text, column: Column):
        try:
            pk = self.resolver(column.related_model).pk_for(text)
        except LookupError:
            raise ValueError(
                _("“%(value)s” matches several %(model)s; write it more precisely")
                % {"value": text, "model": column.related_model._meta.verbose_name_plural}
            ) from None
        if pk is not None:
            return pk
        if self.create_missing and column.related_model is Organization:
            if text not in self.plan.new_organizations:
                self.plan.new_organizations.append(text)
            return {"new": text}
        raise ValueError(
            _("no %(model)s named “%(value)s” was found")
            % {"model": column.related_model._meta.verbose_name, "value": text}
        )

    # -- existing records ---------------------------------------------------------------------

    def match_and_compare(self, parsed, bound, key_names):
        model = self.model
        columns = [column for _, column in bound]
        plain = [c for c in columns if not c.is_m2m]
        many = [c for c in columns if c.is_m2m]
        key_fields = [model._meta.get_field(name) for name in key_names]
        existing = self.existing_by_key(parsed, key_fields)
        unique_columns = [c for c in plain if c.field.unique and c.name not in key_names]
        by_unique = self.existing_by_unique(parsed, unique_columns)
        wanted = {record["pk"]: record for record in existing.values()}
        for column in unique_columns:
            missing = {pk for pk in by_unique[column.name].values() if pk not in wanted}
            wanted.update({r["pk"]: r for r in self.load_records(missing)})
        current_many = self.current_many(many, [r["pk"] for r in wanted.values()])
        unique_seen: dict[str, dict] = {column.name: {} for column in unique_columns}
        for number, key, cleaned in parsed:
            target = existing.get(key)
            if not self.check_unique(number, cleaned, unique_columns, unique_seen, by_unique, target, wanted):
                continue
            if target is None:
                for column in unique_columns:
                    pk = by_unique[column.name].get(cleaned[column.name])
                    if pk is not None:
                        target = wanted[pk]  # matched by identity number / credit code
            if target is None:
                self.plan_create(number, cleaned, plain, many)
            else:
                self.plan_update(number, cleaned, target, plain, many, current_many)

    def existing_by_key(self, parsed, key_fields) -> dict:
        first = key_fields[0]
        firsts = {key[0] for _, key, _ in parsed if not isinstance(key[0], dict)}
        records = {}
        for chunk in chunks(firsts):
            for record in self.records().filter(**{first.attname + "__in": chunk}):
                records[tuple(record[f.attname] for f in key_fields)] = record
        return records

    def existing_by_unique(self, parsed, unique_columns) -> dict:
        found: dict[str, dict] = {}
        for column in unique_columns:
            wanted = {cleaned[column.name] for _, _, cleaned in parsed} - {None, ""}
            found[column.name] = {}
            for chunk in chunks(wanted):
                rows = self.model.objects.filter(**{column.attname + "__in": chunk}).values_list(column.attname, "pk")
                found[column.name].update(rows)
        return found

    def records(self):
        return self.model.objects.order_by().values("pk", *self.plan.fields)

    def load_records(self, pks):
        for chunk in chunks(pks):
            yield from self.records().filter(pk__in=chunk)

    def current_many(self, many_columns, pks) -> dict:
        """{(field name, pk): set of related pks} for the matched records."""
        current: dict[tuple[str, int], set[int]] = {}
        for column in many_columns:
            through = column.field.remote_field.through
            source = column.field.m2m_field_name() + "_id"
            target = column.field.m2m_reverse_field_name() + "_id"
            for pk in pks:
                current[(column.name, pk)] = set()
            for chunk in chunks(pks):
                for owner, other in through.objects.filter(**{source + "__in": chunk}).values_list(source, target):
                    current[(column.name, owner)].add(other)
        return current

    def check_unique(self, number, cleaned, unique_columns, seen, by_unique, target, wanted) -> bool:
        ok = True
        for column in unique_columns:
            value = cleaned.get(column.name)
            if value in (None, ""):
                continue
            if value in seen[column.name]:
                self.error(
                    number,
                    column.label,
                    value,
                    _("the same value is already in row %(row)d") % {"row": seen[column.name][value]},
                )
                ok = False
                continue
            seen[column.name][value] = number
            owner = by_unique[column.name].get(value)
            if target is not None and owner is not None and owner != target["pk"]:
                self.error(number, column.label, value, _("the value belongs to another record"))
                ok = False
        return ok

    # -- planning each row --------------------------------------------------------------------

    def new_instance(self):
        """A fresh unsaved instance with defaults; copying a template is far cheaper than __init__."""
        if self.template is None:
            self.template = self.model().__dict__.copy()
            del self.template["_state"]
        instance = self.model.__new__(self.model)
        instance.__dict__.update(self.template)
        instance._state = ModelState()
        return instance

    def plan_create(self, number, cleaned, plain, many):
        instance = self.new_instance()
        attributes = instance.__dict__
        for column in plain:
            value = cleaned[column.name]
            attributes[column.attname] = None if isinstance(value, dict) else value
        if not self.validate_instance(number, instance, plain):
            return
        row = [attributes[name] for name in self.plan.fields]
        if self.plan.new_organizations:
            for position, column in enumerate(self.write_fields):
                value = cleaned.get(column.name)
                if isinstance(value, dict):
                    row[position] = value  # an organization created on confirmation
        index = len(self.plan.creates)
        self.plan.creates.append(row)
        for column in many:
            if cleaned[column.name]:
                self.plan.many.append([index, column.name, cleaned[column.name]])
        self.note_change(number, "new", cleaned, [])

    def plan_update(self, number, cleaned, record, plain, many, current_many):
        changed = [c for c in plain if cleaned[c.name] != record[c.attname]]
        many_changed = [c for c in many if set(cleaned[c.name]) != current_many.get((c.name, record["pk"]), set())]
        if not changed and not many_changed:
            self.plan.unchanged += 1
            return
        instance = self.model(**{name: record[name] for name in self.plan.fields}, pk=record["pk"])
        if not access.in_scope(self.user, instance):
            self.error(number, "", "", _("the existing record lies outside your districts"))
            return
        for column in changed:
            value = cleaned[column.name]
            setattr(instance, column.attname, None if isinstance(value, dict) else value)
        if not self.validate_instance(number, instance, plain):
            return
        row = [getattr(instance, name) for name in self.plan.fields]
        for column in changed:
            if isinstance(cleaned[column.name], dict):
                row[self.plan.fields.index(column.attname)] = cleaned[column.name]
        changed_names = [name for position, name in enumerate(self.plan.fields) if row[position] != record[name]]
        if not changed_names and not many_changed:
            self.plan.unchanged += 1
            return
        self.plan.updates.append([record["pk"], row, changed_names])
        for column in many_changed:
            self.plan.many.append([-record["pk"], column.name, cleaned[column.name]])
        diffs = [[c.label, record[c.attname], cleaned[c.name]] for c in changed]
        diffs += [
            [c.label, sorted(current_many.get((c.name, record["pk"]), ())), cleaned[c.name]] for c in many_changed
        ]
        self.note_change(number, "update", cleaned, diffs)

    def validate_instance(self, number, instance, plain) -> bool:
        """The model's own clean() (identity number check, birth date, ...) and the user's scope."""
        try:
            instance.clean()
        except ValidationError as error:
            labels = {c.name: c.label for c in plain}
            by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
            for name, messages in by_field.items():
                label = "" if name == NON_FIELD_ERRORS else labels.get(name) or field_label(self.model, name)
                value = getattr(instance, name, "") if name != NON_FIELD_ERRORS else ""
                self.error(number, label, value, " ".join(messages))
            return False
        if not access.in_scope(self.user, instance):
            self.error(number, "", "", _("the record lies outside your districts"))
            return False
        return True

    def note_change(self, number, action, cleaned, diffs):
        if len(self.plan.changes) >= MAX_PREVIEW_CHANGES:
            return
        key = self.key_text(cleaned, key_field_names(self.model))
        self.plan.changes.append([number, action, key, diffs])


def field_label(model, name) -> str:
    try:
        return in_chinese(model._meta.get_field(name).verbose_name)
    except Exception:  # a clean() may name something that is not a field
        return name


def hashable(value):
    return ("new", value["new"]) if isinstance(value, dict) else value


def blank_value(model_field):
    if model_field.has_default() and not model_field.blank:
        return model_field.get_default()
    if model_field.empty_strings_allowed and not model_field.null:
        return ""
    return None


def build_plan(model, header, rows, user, create_missing=False, progress=None) -> Plan:
    return Importer(model, user, create_missing, progress).build(header, rows)


# -- applying ---------------------------------------------------------------------------------


def change_reason(file_name: str) -> str:
    return _("Imported from %(file)s") % {"file": file_name}


@transaction.atomic
def apply_plan(plan: Plan, user, file_name: str, ip_address=None) -> dict:
    """Write the plan in one transaction, with history rows naming the user and the file."""
    model = plan.model
    reason = change_reason(file_name)
    user_pk = getattr(user, "pk", None)
    now = timezone.now()
    meta = model._meta
    new_orgs = create_organizations(plan.new_organizations, user_pk, reason, now)
    names = list(plan.fields)
    fields = [model_field_by_attname(model, name) for name in names]
    stamps = [meta.get_field("created_at"), meta.get_field("updated_at")]

    def resolved(row):
        return [new_orgs[value["new"]] if isinstance(value, dict) else value for value in row]

    creates = [resolved(row) + [now, now] for row in plan.creates]
    created_pks = bulk.insert_rows(model, fields + stamps, creates, returning=True)
    attnames = names + ["created_at", "updated_at"]
    bulk.insert_history(
        model, (dict(zip(attnames, row), id=pk) for row, pk in zip(creates, created_pks)), "+", user_pk, reason, now
    )
    apply_updates(model, plan.updates, fields, resolved, user_pk, reason, now)
    write_many(model, plan.many, created_pks)
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.IMPORT,
        user_id=user_pk,
        username=getattr(user, "username", "") or "",
        ip_address=ip_address,
        model=meta.model_name,
        rows=len(creates) + len(plan.updates),
        file_name=file_name[:255],
        detail=json.dumps(plan.counts),
    )
    return {"new": len(creates), "updated": len(plan.updates)}


def apply_updates(model, updates, fields, resolved, user_pk, reason, now):
    """UPDATE the changed columns of each record (grouped by which columns changed) and log history."""
    if not updates:
        return
    names = [f.attname for f in fields]
    created_at = {}
    for chunk in chunks([update[0] for update in updates]):
        created_at.update(model.objects.filter(pk__in=chunk).values_list("pk", "created_at"))
    groups: dict = {}
    for pk, row, changed in updates:
        groups.setdefault(tuple(changed), []).append((pk, resolved(row)))
    updated_at = model._meta.get_field("updated_at")
    for changed, members in groups.items():
        positions = [names.index(name) for name in changed]
        columns = [fields[p] for p in positions] + [updated_at]
        bulk.update_rows(model, columns, [[row[p] for p in positions] + [now, pk] for pk, row in members])
    records = (
        dict(zip(names, row), id=pk, created_at=created_at.get(pk), updated_at=now)
        for members in groups.values()
        for pk, row in members
    )
    bulk.insert_history(model, records, "~", user_pk, reason, now)


def create_organizations(names, user_pk, reason, now) -> dict[str, int]:
    """Organizations the file named that are not registered yet (the "create missing" option)."""
    if not names:
        return {}
    fields = bulk.model_fields(Organization, ("name", "kind", "notes", "created_at", "updated_at"))
    rows = [[name, Organization.Kind.ENTERPRISE, "", now, now] for name in names]
    pks = bulk.insert_rows(Organization, fields, rows, returning=True)
    records = [
        {
            "id": pk,
            "name": name,
            "kind": Organization.Kind.ENTERPRISE,
            "notes": "",
            "credit_code": None,
            "created_at": now,
            "updated_at": now,
        }
        for pk, name in zip(pks, names)
    ]
    bulk.insert_history(Organization, records, "+", user_pk, reason, now)
    return dict(zip(names, pks))


def write_many(model, many, created_pks):
    """Replace the many-to-many links the plan lists (negative owner = existing record's pk)."""
    by_field: dict = {}
    for owner, name, pks in many:
        pk = created_pks[owner] if owner >= 0 else -owner
        by_field.setdefault(name, []).append((pk, pks))
    for name, links in by_field.items():
        model_field = model._meta.get_field(name)
        through = model_field.remote_field.through
        source = model_field.m2m_field_name() + "_id"
        target = model_field.m2m_reverse_field_name() + "_id"
        owners = [pk for pk, _ in links]
        for chunk in chunks(owners):
            through.objects.filter(**{source + "__in": chunk}).delete()
        rows = [through(**{source: pk, target: other}) for pk, others in links for other in set(others)]
        through.objects.bulk_create(rows, batch_size=BATCH)


def describe(value) -> str:
    if isinstance(value, (datetime.date, decimal.Decimal)):
        return str(value)
    return "" if value is None else str(value)
