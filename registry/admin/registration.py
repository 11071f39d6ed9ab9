"""Contract registration on the admin screens: the state, the expert-review flag and the steps on a
contract's page, with a form for each step the user may take. Every step calls registry.registration,
which decides and explains refusals."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from registry import registration, review
from registry.models import ContractRegistration, Organization, RegistrationStatus, TechContract

REGISTRATION_LABELS = dict(RegistrationStatus.choices)


@functools.lru_cache(maxsize=4096)
def date_label(day, language: str | None) -> str:
    """A date as the page's language writes it, escaped (formatted once per date and language: a
    list page formats the same dates again and again)."""
    return escape(formats.date_format(day))


Action = ContractRegistration.Action


class StepForm(forms.Form):
    """The values of one registration step: a registering step's number, date and registrar, a reason."""

    registration_number = forms.CharField(label=gettext_lazy("registration number"), max_length=30, required=False)
    registered_on = forms.DateField(label=gettext_lazy("registered on"), widget=AdminDateWidget, required=False)
    registrar = forms.ModelChoiceField(
        label=gettext_lazy("registrar"), queryset=Organization.objects.all(), required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("reason or note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        registrar = TechContract._meta.get_field("registrar")
        field = self.fields["registrar"]
        field.widget = AutocompleteSelect(registrar, admin_site)
        field.widget.choices = field.choices  # type: ignore[attr-defined]  # as Field.__init__ does for its own widget


@dataclass(frozen=True)
class StepButton:
    action: str
    label: str
    records: bool  # the step writes the registration number, date and registrar
    needs_reason: bool


@dataclass(frozen=True)
class RegistrationPanel:
    """What a contract's page shows about its registration."""

    status: str
    status_label: str
    expert_review: bool
    threshold: int
    steps: list[ContractRegistration]
    buttons: list[StepButton]
    notes: list[str]
    form: StepForm | None
    url: str

    @property
    def records(self) -> bool:
        """Whether a step offered writes the registration number, date and registrar."""
        return any(button.records for button in self.buttons)


def registration_panel(request, contract: TechContract, url: str, admin_site: admin.AdminSite) -> RegistrationPanel:
    user = request.user
    allowed = registration.allowed_actions(contract, user)
    buttons = [
        StepButton(action, str(Action(action).label), step.records, step.needs_reason)
        for action, step in registration.STEPS.items()
        if action in allowed
    ]
    notes: list[str] = []
    if registration.may_register(user) and not allowed:
        possible = [a for a, step in registration.STEPS.items() if contract.registration_status in step.sources]
        notes = sorted({message for message in (registration.refusal(contract, user, a) for a in possible) if message})
    initial: dict[str, Any] = {
        "registration_number": contract.registration_number or "",
        "registered_on": contract.registered_on,
        "registrar": contract.registrar_id,
    }
    return RegistrationPanel(
        contract.registration_status,
        contract.get_registration_status_display(),
        contract.needs_expert_review,
        settings.CONTRACT_EXPERT_REVIEW_THRESHOLD,
        registration.steps(contract),
        buttons,
        notes,
        StepForm(initial=initial, admin_site=admin_site) if buttons else None,
        url,
    )


class ExpertReviewFilter(admin.SimpleListFilter):
    """Contracts at or above the expert-review threshold (CONTRACT_EXPERT_REVIEW_THRESHOLD 万元)."""

    title = gettext_lazy("expert review")
    parameter_name = "expert_review"

    def lookups(self, request, model_admin):
        return (("yes", _("flagged for expert review")), ("no", _("below the threshold")))

    def queryset(self, request, queryset):
        at_threshold = Q(transaction_amount__gte=settings.CONTRACT_EXPERT_REVIEW_THRESHOLD * 10_000)
        if self.value() == "yes":
            return queryset.filter(at_threshold)
        if self.value() == "no":
            return queryset.exclude(at_threshold)
        return queryset


class RegistrationMixin:
    """Registration on the contract's screens, mixed into its admin: a state column and filter, the
    panel and the step view. The registration fields are read-only on the form: steps write them."""

    admin_site: admin.AdminSite
    opts: Any
    model: type[TechContract]
    change_form_template: Any

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)  # type: ignore[call-arg]
        self.change_form_template = "registry/registration/change_form.html"  # the review page with one panel more

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *TechContract.REGISTRATION_FIELDS)  # type: ignore[misc]

    # The label from RegistrationStatus directly: get_registration_status_display() flattens the
    # field's choices again for every row of a list. The registration date goes under it, so the
    # contract list needs no column of its own for it and fits at 1366 px.
    @admin.display(description=gettext_lazy("registration status"), ordering="registration_status")
    def registration_state(self, obj):
        status = obj.registration_status
        flag = f' <span class="registry-expert-flag">{escape(_("expert review"))}</span>'
        registered = ""
        if obj.registered_on is not None:
            registered = f'<span class="registry-registered-on">{date_label(obj.registered_on, get_language())}</span>'
        return mark_safe(  # noqa: S308 - every part is escaped
            f'<span class="registry-registration registry-registration-{escape(status)}">'
            f"{escape(REGISTRATION_LABELS.get(status, status))}</span>{registered}"
            f"{flag if obj.needs_expert_review else ''}"
        )

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_registration"
        view = self.admin_site.admin_view(self.registration_view)
        return [path("<path:object_id>/registration/", view, name=name), *super().get_urls()]  # type: ignore[misc]

    # The change page shows the registration panel beside the review panel.
    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if obj is not None:
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_registration", args=[obj.pk])
            panel = registration_panel(request, obj, url, self.admin_site)
            extra_context = {**(extra_context or {}), "registration": panel}
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    # The step form's widgets (calendar, registrar autocomplete) need their scripts on the page.
    def render_change_form(self, request, context, *args, **kwargs):
        panel = context.get("registration")
        if panel is not None and panel.form is not None:
            context["media"] = context["media"] + panel.form.media
        return super().render_change_form(request, context, *args, **kwargs)  # type: ignore[misc]

    def registration_view(self, request, object_id):
        """POST: take one registration step (the button pressed), then back to the contract's page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        contract = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if contract is None:
            raise Http404
        action = request.POST.get("registration_action", "")
        form = StepForm(request.POST, admin_site=self.admin_site)
        values = form.cleaned_data if form.is_valid() else {}
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, "；".join(str(error) for error in errors))
        else:
            step = registration.STEPS.get(action)
            try:
                entered = registration.Registration(
                    values.get("registration_number") or "", values.get("registered_on"), values.get("registrar")
                )
                registration.apply(contract, request.user, action, values.get("reason", ""), entered)
            except (PermissionDenied, ValidationError) as error:
                messages.error(request, review.error_message(error))
            else:
                messages.success(
                    request,
                    _("%(record)s: %(action)s, now %(status)s.")
                    % {
                        "record": contract,
                        "action": Action(action).label if step else action,
                        "status": RegistrationStatus(contract.registration_status).label,
                    },
                )
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[contract.pk])
        )
