"""Admin side of access rules: personal-data masking, district scope, import/export permissions.

Mixed first into RegistryAdmin, so every model admin applies the rules of registry.access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from registry import access

if TYPE_CHECKING:
    # What the mixins below are mixed into (at run time they sit before these classes in the MRO).
    from simple_history.admin import SimpleHistoryAdmin as AdminBase

    FormBase = forms.ModelForm[Any]
    InlineBase = admin.options.InlineModelAdmin[Any, Any]
else:
    AdminBase = FormBase = InlineBase = object

MASKED_PREFIX = "masked_"


def masked_name(field_name: str) -> str:
    return MASKED_PREFIX + field_name


def touches_personal_field(model, path: str) -> bool:
    """Whether a lookup path (talent__id_number__startswith) reads a personal field on its way."""
    for part in path.lstrip("^=@").split("__"):
        if part in access.personal_fields(model):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def replace_hidden(names, hidden):
    """Field names (possibly grouped in tuples, as in fieldsets) with hidden ones masked."""
    return [
        replace_hidden(name, hidden)
        if isinstance(name, (list, tuple))
        else masked_name(name)
        if name in hidden
        else name
        for name in names
    ]


def masked_display(model, field_name):
    """A read-only admin column showing `field_name` masked (1501**********1238)."""

    @admin.display(description=model._meta.get_field(field_name).verbose_name)
    def display(obj):
        return access.mask(getattr(obj, field_name))

    return display


class ScopedChoicesForm(FormBase):
    """Form mixin: every link field (foreign key, many-to-many) offers and accepts only records of
    the user's districts, plus the records this form's record already links to (so saving it as
    it is keeps its links). Shared city-wide lists stay whole."""

    scope_user: Any = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or field.queryset is None:
                continue
            if field.queryset.model._meta.model_name in access.DISTRICT_PATHS:
                field.queryset = scoped_choices(self.scope_user, field.queryset, current_links(self.instance, name))


def scoped_choices(user, queryset, kept=()):
    """The records of `queryset` in the user's districts, and those with a primary key in `kept`."""
    scoped = access.scope_queryset(user, queryset).values("pk")
    return queryset.filter(Q(pk__in=scoped) | Q(pk__in=kept)) if kept else queryset.filter(pk__in=scoped)


def current_links(instance, name) -> list:
    """Primary keys `instance` links to through its field `name` now (none for a new record)."""
    if instance is None or instance.pk is None:
        return []
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return []
    if field.many_to_many:
        return list(getattr(instance, name).values_list("pk", flat=True))
    value = getattr(instance, field.attname, None) if field.many_to_one else None
    return [value] if value is not None else []


def with_scoped_choices(form_class, user, mixin=ScopedChoicesForm):
    """`form_class` with `mixin` first, bound to `user` (unchanged for city-wide users)."""
    if not access.is_scoped(user):
        return form_class
    return type(form_class.__name__, (mixin, form_class), {"scope_user": user})


class DistrictScopeForm(ScopedChoicesForm):
    """Form mixin refusing a record that would lie outside the user's districts."""

    def clean(self):
        cleaned_data = super().clean()
        if not access.in_scope(self.scope_user, self.instance, values=cleaned_data):
            model = self._meta.model
            paths = access.DISTRICT_PATHS.get(model._meta.model_name, ())
            labels = dict.fromkeys(str(model._meta.get_field(path.split("__")[0]).verbose_name) for path in paths)
            raise ValidationError(
                _("This record is outside your districts (%(districts)s): choose a %(fields)s of your districts."),
                code="out_of_scope",
                params={"districts": access.district_names(self.scope_user), "fields": "/".join(labels)},
            )
        return cleaned_data


def personal_help_texts(hidden, adding: bool) -> dict:
    """Help texts saying that personal data is write-only for the user (inputs when adding, the
    masked stand-ins on a saved record)."""
    if adding:
        text = _("Personal data: you may enter it for a new record; once saved it is shown to you masked.")
        return dict.fromkeys(hidden, text)
    text = _("Personal data, shown masked: only staff with the 个人信息查看 role see or change it.")
    return dict.fromkeys(map(masked_name, hidden), text)


class PersonalErrorsForm(FormBase):
    """Form mixin for a saved record whose personal fields the user may not see (not form fields).

    The model's clean() may still find fault with them (a stored passport number checked as an
    identity number after a change of 证件类型). Django would fail on an error for a field the form
    does not have; here such errors become one message that names the field and never the value."""

    locked_personal = ()

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            locked = [name for name in errors.error_dict if name in self.locked_personal]
            if locked:
                kept = {name: items for name, items in errors.error_dict.items() if name not in locked}
                message = access.hidden_value_error(
                    self._meta.model._meta.get_field(name).verbose_name for name in locked
                )
                kept.setdefault(NON_FIELD_ERRORS, []).append(ValidationError(message, code="personal_data"))
                errors = ValidationError(kept)
        super()._update_errors(errors)  # type: ignore[misc]  # BaseModelForm's private hook, not in django-stubs


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    """History diffs with personal values masked."""

    def __init__(self, model, record, hidden):
        super().__init__(model, record)
        self.hidden = hidden

    def prepare_delta_change_value(self, change, value):
        if change.field in self.hidden:
            return access.mask(value)
        return super().prepare_delta_change_value(change, value)


class ScopedInlineMixin(InlineBase):
    """Inlines: the link fields of each part obey the user's districts like the record's own."""

    # The parts' forms offer and accept only records of the user's districts.
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_scoped_choices(formset.form, request.user)
        return formset


class AccessMixin(AdminBase):
    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # Read-only masked stand-ins for personal fields, used by forms, lists and history.
        for name in access.personal_fields(model):
            setattr(self, masked_name(name), masked_display(model, name))

    # --- District scope: one queryset for lists, change, delete, history and autocomplete.

    def get_queryset(self, request):
        return access.scope_queryset(request.user, super().get_queryset(request))

    # Scoped users may not change shared city-wide lists; records outside scope are never editable.
    def has_add_permission(self, request):
        return super().has_add_permission(request) and access.may_edit(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def _may_edit(self, request, obj):
        if not access.may_edit(request.user, self.model):
            return False
        return obj is None or access.in_scope(request.user, obj)

    # Personal fields say who may read them back; the form refuses other districts' links and
    # records outside the user's districts.
    def get_form(self, request, obj=None, change=False, **kwargs):
        hidden = self._hidden(request)
        if hidden:
            kwargs["help_texts"] = {**personal_help_texts(hidden, obj is None), **kwargs.get("help_texts", {})}
        form = super().get_form(request, obj, change, **kwargs)
        if self._locked(request, obj):
            form = type(form.__name__, (PersonalErrorsForm, form), {"locked_personal": self._locked(request, obj)})
        return with_scoped_choices(form, request.user, DistrictScopeForm)

    # simple-history falls back to the latest historical row for a missing object: check scope first.
    def history_view(self, request, object_id, extra_context=None):
        self._check_history_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_history_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _check_history_scope(self, request, object_id):
        if not access.is_scoped(request.user):
            return
        try:
            if self.get_queryset(request).filter(pk=object_id).exists():
                return
        except (ValueError, ValidationError) as error:  # not a valid primary key
            raise Http404 from error
        if self.model._default_manager.filter(pk=object_id).exists():
            raise Http404
        latest = self.model.history.filter(**{self.opts.pk.attname: object_id}).first()
        if latest is None or not access.in_scope(request.user, latest.instance):
            raise Http404

    # --- Personal data: write-only for users without the permission. They may enter it on a new
    # record; once saved it is masked and read-only for them.

    def _hidden(self, request):
        return access.hidden_fields(request.user, self.model)

    def _locked(self, request, obj):
        """Personal fields the user may not edit on this form: all hidden ones of a saved record."""
        return self._hidden(request) if obj is not None else ()

    # Locked personal fields are never form inputs...
    def get_exclude(self, request, obj=None):
        locked = self._locked(request, obj)
        exclude = super().get_exclude(request, obj)
        return [*(exclude or ()), *locked] if locked else exclude

    # ...they are shown by their masked read-only stand-ins instead.
    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, *map(masked_name, self._locked(request, obj))]

    # Declared fieldsets name the real fields: swap in the stand-ins.
    def get_fieldsets(self, request, obj=None):
        locked = self._locked(request, obj)
        fieldsets = super().get_fieldsets(request, obj)
        if not locked:
            return fieldsets
        return [
            (title, {**options, "fields": replace_hidden(options["fields"], locked)}) for title, options in fieldsets
        ]

    # Masked changelist columns (not sortable, so the order reveals nothing either).
    def get_list_display(self, request):
        return replace_hidden(super().get_list_display(request), self._hidden(request))

    # Searching or filtering on a personal value would reveal it: drop such fields and lookups.
    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if access.can_view_personal_data(request.user):
            return fields
        return [name for name in fields if not touches_personal_field(self.model, name)]

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if access.can_view_personal_data(request.user):
            return filters
        return [
            item
            for item in filters
            if not touches_personal_field(self.model, item[0] if isinstance(item, tuple) else str(item))
        ]

    # A filter in the address (?id_number=...) would confirm a value: refuse it (400).
    def lookup_allowed(self, lookup, value, request=None):
        if request is not None and not access.can_view_personal_data(request.user):
            if touches_personal_field(self.model, lookup):
                return False
        return super().lookup_allowed(lookup, value, request)

    # History pages: no personal columns, masked values in the change diffs.
    def get_history_list_display(self, request):
        hidden = self._hidden(request)
        return [name for name in super().get_history_list_display(request) if name not in hidden]

    def get_historical_record_context_helper(self, request, historical_record):
        hidden = self._hidden(request)
        if not hidden:
            return super().get_historical_record_context_helper(request, historical_record)
        return MaskedHistoryHelper(self.model, historical_record, hidden)

    # --- Spreadsheets (django-import-export calls these; its default lets view-only staff import).

    def _has_spreadsheet_permission(self, request, action):
        codename = get_permission_codename(action, self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def has_import_permission(self, request):
        # New rows need add, updated rows need change: importing needs both.
        return (
            self._has_spreadsheet_permission(request, "import")
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request):
        return self._has_spreadsheet_permission(request, "export") and self.has_view_permission(request)
