"""The annual assessment on the admin: the scheme's parts (weights adding up to 100), the 生成年度考核
page, the confirmation page of an assessment, and the downloads (a .docx form per assessment of a
commissioner, team or workstation, an .xlsx list per district). Every page calls registry.assessment,
which decides and explains refusals."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import assessment, audit, review
from registry.assessment_files import DOCX, XLSX, assessed_name, assessment_form, district_list
from registry.importing.admin import attachment
from registry.models import AuditEvent, CommissionerAssessment, ReviewStatus
from registry.models.assessments import AssessmentScheme, AssessmentSchemePart, weights_error

from .common import DomainInline

if TYPE_CHECKING:
    from simple_history.admin import SimpleHistoryAdmin as AdminBase
else:
    AdminBase = object

Grade = CommissionerAssessment.Grade


class SchemePartFormSet(forms.BaseInlineFormSet):
    """The parts of a scheme as one whole: their weights add up to 100."""

    def clean(self):
        super().clean()
        weights = [
            form.cleaned_data.get("weight") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        error = weights_error(weights)
        if error:
            raise ValidationError(error, code="weights")


class SchemePartInline(DomainInline):
    model = AssessmentSchemePart
    formset = SchemePartFormSet
    fields = ("name", "measure", "target", "weight")
    extra = 3


def year_choices() -> list[tuple[int, int]]:
    """The years with a scheme, and this year (whose scheme may still be missing), newest first."""
    years = {timezone.localdate().year, *AssessmentScheme.objects.values_list("year", flat=True)}
    return [(year, year) for year in sorted(years, reverse=True)]


class DistrictYearForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("year"), coerce=int, choices=year_choices)
    district = forms.ChoiceField(label=gettext_lazy("district"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["district"]).choices = [
            (assessment.district_key(d), str(d)) for d in assessment.user_district_choices(user)
        ]

    def clean_district(self):
        district = assessment.district_from_key(self.cleaned_data["district"])
        if district is None:
            raise ValidationError(_("Choose a district."), code="district")
        return district


class GenerateForm(DistrictYearForm):
    submit = forms.BooleanField(
        label=gettext_lazy("Submit the generated assessments for review at once"), required=False, initial=True
    )


class ConfirmForm(forms.Form):
    grade = forms.ChoiceField(label=gettext_lazy("grade"), choices=Grade.choices)
    reason = forms.CharField(
        label=gettext_lazy("reason for overriding the proposed grade"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssessmentPagesMixin(AdminBase):
    """Generation, confirmation and downloads on the annual assessment admin."""

    # django-import-export picks the changelist template from this name (its buttons plus ours).
    import_export_change_list_template = "registry/assessment/change_list.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        pages = [
            path("generate/", self.admin_site.admin_view(self.generate_view), name=f"{name}_generate"),
            path("district-list/", self.admin_site.admin_view(self.district_list_view), name=f"{name}_district_list"),
            path("<path:object_id>/confirm/", self.admin_site.admin_view(self.confirm_view), name=f"{name}_confirm"),
            path("<path:object_id>/form.docx", self.admin_site.admin_view(self.form_view), name=f"{name}_form"),
        ]
        return [*pages, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        # The generation and download buttons are shown to those who may use them.
        extra_context = {
            **(extra_context or {}),
            "may_generate": assessment.may_generate(request.user),
            "may_download": self.has_export_permission(request),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("confirmation"))
    def confirmation(self, obj):
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        if obj.review_status == ReviewStatus.SUBMITTED:
            return format_html('<a href="{}">{}</a>', reverse(f"{name}_confirm", args=[obj.pk]), _("Confirm"))
        return format_html('<a href="{}">{}</a>', reverse(f"{name}_form", args=[obj.pk]), _("Form (.docx)"))

    def page_context(self, request, title, **context):
        return {**self.admin_site.each_context(request), "title": title, "opts": self.opts, **context}

    def generate_view(self, request):
        """生成年度考核: proposals for a year and a district, stored as drafts (or submitted)."""
        if not assessment.may_generate(request.user):
            raise PermissionDenied
        form = GenerateForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            year, district = form.cleaned_data["year"], form.cleaned_data["district"]
            try:
                outcome = assessment.generate(request.user, year, district, submit=form.cleaned_data["submit"])
            except (PermissionDenied, ValidationError) as error:
                messages.error(request, review.error_message(error))
            else:
                messages.success(
                    request,
                    _("%(district)s, %(year)s: %(count)d assessments generated.")
                    % {"district": district, "year": year, "count": len(outcome.written)},
                )
                for message in outcome.skipped:
                    messages.warning(request, message)
                changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
                return HttpResponseRedirect(f"{changelist}?year={year}")
        context = self.page_context(request, _("Generate annual assessments"), form=form)
        return TemplateResponse(request, "registry/assessment/generate.html", context)

    def confirm_view(self, request, object_id):
        """A reviewer confirms the proposed grade or overrides it with a reason; this approves the assessment."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:  # out of scope or gone: the change page's answer
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        initial = {"grade": obj.grade, "reason": obj.override_reason}
        form = ConfirmForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                assessment.confirm(obj, request.user, form.cleaned_data["grade"], form.cleaned_data["reason"])
            except (PermissionDenied, ValidationError) as error:
                form.add_error(None, review.error_message(error))
            else:
                messages.success(request, _("%(record)s: grade confirmed.") % {"record": obj})
                return HttpResponseRedirect(
                    reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
                )
        refusal = review.refusal(obj, request.user, review.Action.APPROVE)
        context = self.page_context(
            request,
            _("Confirm the annual assessment"),
            form=form,
            record=obj,
            refusal=refusal,
            parts=[
                {**part, "measure_label": assessment.measure_label(part.get("measure", ""))}
                for part in obj.breakdown or []
            ],
            proposed=assessment.grade_label(obj.proposed_grade),
        )
        return TemplateResponse(request, "registry/assessment/confirm.html", context)

    def form_view(self, request, object_id):
        """One assessment's form (.docx: a commissioner's, team's or workstation's), for those who may export."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:  # out of scope or gone: the change page's answer
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        file_name = f"{_('annual assessment')}-{obj.year}-{assessment_name(obj)}.docx"
        audit.record(AuditEvent.Kind.EXPORT, request, request.user, model=self.model, rows=1, file_name=file_name)
        return attachment(assessment_form(obj, assessed_district(obj)), file_name, DOCX)

    def district_list_view(self, request):
        """The list (.xlsx) of a district's assessments of a year; without a choice, the form asking for one."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        form = DistrictYearForm(request.GET or None, user=request.user)
        if not form.is_valid():
            context = self.page_context(request, _("Download the list of a district"), form=form)
            return TemplateResponse(request, "registry/assessment/district_list.html", context)
        year, district = form.cleaned_data["year"], form.cleaned_data["district"]
        rows = list(assessment.district_assessments(request.user, year, district))
        file_name = f"{_('annual assessment')}-{year}-{district}.xlsx"
        audit.record(
            AuditEvent.Kind.EXPORT, request, request.user, model=self.model, rows=len(rows), file_name=file_name
        )
        return attachment(district_list(rows, year, district), file_name, XLSX)


def assessment_name(obj: CommissionerAssessment) -> str:
    return assessed_name(obj) or str(obj.pk)


def assessed_district(obj: CommissionerAssessment) -> str:
    """The division (else the zone) of what is assessed, for the form: a commissioner's employer or
    unit, a team leader's employer (else the first division the team serves), a workstation's host."""
    commissioner, team = obj.commissioner, obj.team
    if commissioner is not None:
        organization = commissioner.organization or (commissioner.talent.employer if commissioner.talent else None)
    elif team is not None:
        organization = team.leader.employer if team.leader else None
        if organization is None:
            return str(team.divisions.order_by("code").first() or "")
    else:
        organization = obj.workstation.host if obj.workstation else None
    if organization is None:
        return ""
    return str(organization.division or organization.zone or "")
