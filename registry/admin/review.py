"""Review on the admin screens: the state on lists and change pages, its buttons, the bulk actions and
the queue page. Every button and action calls registry.review, which decides and explains refusals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import access, evidence, review
from registry.models import Attachment, ReviewStatus, ReviewTransition

from .evidence import AttachmentInline

REVIEW_LABELS = dict(ReviewStatus.choices)

if TYPE_CHECKING:
    # What the mixins below are mixed into (at run time they sit before these classes in the MRO).
    from simple_history.admin import SimpleHistoryAdmin as AdminBase

    FormBase = forms.ModelForm[Any]
else:
    AdminBase = FormBase = object

Action = ReviewTransition.Action
# Refusals listed one by one after a bulk action; more are summed up in one line.
REFUSALS_SHOWN = 20
# Records listed per model on the queue page (the oldest first); the list page has them all.
QUEUE_ROWS = 20


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=gettext_lazy("opinion"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].required = required


@dataclass(frozen=True)
class Button:
    action: str
    label: str
    needs_opinion: bool


@dataclass(frozen=True)
class EvidenceRow:
    """One evidence file on the review panel: the file, its links, and whether this user may judge it."""

    attachment: Attachment
    url: str
    verdict_url: str
    may_judge: bool


@dataclass(frozen=True)
class Panel:
    """What a reviewed record's page shows above its form."""

    status: str
    status_label: str
    steps: list
    buttons: list[Button]
    notes: list[str]
    opinion: str  # the latest opinion of a sent back or reopened record
    url: str
    files: list[EvidenceRow] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required kinds without a file


def review_panel(request, obj, url: str) -> Panel:
    user = request.user
    steps = list(review.steps(obj).select_related("user"))
    buttons = [
        Button(action, str(Action(action).label), review.TRANSITIONS[action].needs_opinion)
        for action in review.allowed_actions(obj, user)
    ]
    # Moves the user's role allows in this state but this record refuses (four eyes, district).
    possible = [
        action
        for action, transition in review.TRANSITIONS.items()
        if obj.review_status in transition.sources
        and user.has_perm(review.permission_name(type(obj), transition.permission))
    ]
    notes = [message for message in (review.refusal(obj, user, action) for action in possible) if message]
    returned = [step for step in steps if step.to_status == ReviewStatus.RETURNED]
    opinion = returned[-1].opinion if returned and obj.review_status == ReviewStatus.RETURNED else ""
    may_review = review.may_review(user, type(obj)) and obj.review_status == ReviewStatus.SUBMITTED
    files = [
        EvidenceRow(
            attachment,
            reverse("admin:registry_evidence_download", args=[attachment.pk]),
            reverse("admin:registry_evidence_verdict", args=[attachment.pk]),
            may_review and attachment.uploaded_by_id != user.pk,
        )
        for attachment in evidence.attachments_of(obj)
    ]
    missing = [kind.name for kind in evidence.missing_kinds(obj)]
    status_label = obj.get_review_status_display()
    return Panel(obj.review_status, status_label, steps, buttons, notes, opinion, url, files, missing)


def apply_to_each(request, queryset, action: str, opinion: str) -> None:
    """One transition on each record of `queryset`, each checked on its own; refusals are listed."""
    done, refused = 0, []
    for obj in queryset:
        try:
            review.move(obj, request.user, action, opinion)
        except (PermissionDenied, ValidationError) as error:
            refused.append(review.error_message(error))
        else:
            done += 1
    if done:
        messages.success(request, _("%(action)s: %(count)d records.") % {"action": Action(action).label, "count": done})
    for message in refused[:REFUSALS_SHOWN]:
        messages.error(request, message)
    if len(refused) > REFUSALS_SHOWN:
        messages.error(request, _("%(count)d more records were refused.") % {"count": len(refused) - REFUSALS_SHOWN})


def with_opinion(modeladmin, request, queryset, action: str):
    """A confirmation page asking one opinion for all selected records, then the transition on each."""
    needs_opinion = review.TRANSITIONS[action].needs_opinion
    form = OpinionForm(request.POST if "review_confirmed" in request.POST else None, required=needs_opinion)
    if form.is_bound and form.is_valid():
        apply_to_each(request, queryset, action, form.cleaned_data["opinion"])
        return None  # back to the list, with the messages
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": Action(action).label,
        "opts": modeladmin.model._meta,
        "records": queryset,
        "action": request.POST.get("action", ""),
        "form": form,
        "needs_opinion": needs_opinion,
    }
    return TemplateResponse(request, "registry/review/bulk_opinion.html", context)


@admin.action(permissions=["change"], description=gettext_lazy("Submit selected records for review"))
def submit_selected(modeladmin, request, queryset):
    apply_to_each(request, queryset, Action.SUBMIT, "")


@admin.action(permissions=["approve"], description=gettext_lazy("Approve selected records"))
def approve_selected(modeladmin, request, queryset):
    return with_opinion(modeladmin, request, queryset, Action.APPROVE)


@admin.action(permissions=["approve"], description=gettext_lazy("Send selected records back"))
def send_back_selected(modeladmin, request, queryset):
    return with_opinion(modeladmin, request, queryset, Action.SEND_BACK)


class ReviewedPartForm(FormBase):
    """Form mixin refusing a part (a workstation member) added to a record that is not editable."""

    review_link = ""

    def clean(self):
        cleaned_data = super().clean() or {}
        refusal = review.edit_refusal(cleaned_data.get(self.review_link))
        if refusal:
            raise ValidationError(refusal, code="read_only")
        return cleaned_data


class ReviewMixin(AdminBase):
    """Review on a model's screens, mixed into RegistryAdmin: nothing changes for models without review.

    Reviewed models get a state column and filter, the state, timeline and buttons on the change
    page, and bulk submit / approve / send back. Submitted and approved records (and their parts)
    are read-only for everyone, on the form, in inlines and in the history's revert."""

    review_actions = (submit_selected, approve_selected, send_back_selected)
    actions: Any
    change_form_template: Any

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.reviewed = review.is_reviewed(model)
        if self.reviewed:
            self.actions = (*(self.actions or ()), *self.review_actions)
            self.change_form_template = self.change_form_template or "registry/review/change_form.html"

    # Every stored reviewed record carries its evidence files (added once the record exists).
    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        return [*inlines, AttachmentInline] if self.reviewed and obj is not None else inlines

    # A new evidence file gets its checksum and uploader, which its form cannot know.
    def save_formset(self, request, form, formset, change):
        if formset.model is Attachment:
            for attachment_form in formset.extra_forms:
                if attachment_form.has_changed() and attachment_form.cleaned_data.get("upload"):
                    evidence.describe(attachment_form.instance, attachment_form.cleaned_data["upload"], request.user)
        super().save_formset(request, form, formset, change)

    # The state badges of lists and change pages.
    @property
    def media(self):
        media = super().media
        return media + forms.Media(css={"all": ["registry/review.css"]}) if self.reviewed else media

    # The record's review state decides as well: only drafts and returned records change.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and review.is_editable(obj)

    # For the bulk actions marked permissions=["approve"].
    def has_approve_permission(self, request):
        return review.may_review(request.user, self.model)

    def get_list_display(self, request):
        display = super().get_list_display(request)
        return [*display, "review_state"] if self.reviewed else display

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return ["review_status", *filters] if self.reviewed else filters

    # The label from ReviewStatus directly: get_review_status_display() flattens the field's
    # choices again for every row of a list.
    @admin.display(description=gettext_lazy("review status"), ordering="review_status")
    def review_state(self, obj):
        status = obj.review_status
        label = REVIEW_LABELS.get(status, status)
        return mark_safe(  # noqa: S308 - both parts are escaped
            f'<span class="registry-review registry-review-{escape(status)}">{escape(label)}</span>'
        )

    # A part added on its own page must not join a record under review or approved.
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        link = review.REVIEWED_PARTS.get(self.model._meta.model_name)
        if link is None:
            return form
        return type(form.__name__, (ReviewedPartForm, form), {"review_link": link})

    def get_urls(self):
        urls = super().get_urls()
        if not self.reviewed:
            return urls
        name = f"{self.opts.app_label}_{self.opts.model_name}_review"
        return [path("<path:object_id>/review/", self.admin_site.admin_view(self.review_view), name=name), *urls]

    # The change page shows the state, the timeline and the buttons the user may press.
    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if self.reviewed else None
        if obj is not None:
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_review", args=[obj.pk])
            extra_context = {**(extra_context or {}), "review": review_panel(request, obj, url)}
        return super().change_view(request, object_id, form_url, extra_context)

    def review_view(self, request, object_id):
        """POST: apply one transition (the button pressed) to the record, then back to its page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        action = request.POST.get("review_action", "")
        form = OpinionForm(request.POST)
        opinion = form.cleaned_data["opinion"] if form.is_valid() else ""
        try:
            review.move(obj, request.user, action, opinion)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, review.error_message(error))
        else:
            messages.success(
                request,
                _("%(record)s: %(action)s, now %(status)s.")
                % {"record": obj, "action": Action(action).label, "status": obj.get_review_status_display()},
            )
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        )


@dataclass(frozen=True)
class QueueRow:
    record: object
    url: str
    step: ReviewTransition | None  # the step that put the record in its state


@dataclass(frozen=True)
class QueueSection:
    entry: review.QueueEntry
    rows: list[QueueRow]


def queue_rows(entry: review.QueueEntry, user) -> list[QueueRow]:
    """The oldest records of the entry (first in, first reviewed) with the step that put them there."""
    model = entry.model
    records = list(
        access.scope_queryset(user, model._default_manager.filter(review_status=entry.status)).order_by(
            "updated_at", "pk"
        )[:QUEUE_ROWS]
    )
    last_steps = {}
    steps = ReviewTransition.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[record.pk for record in records],
        to_status=entry.status,
    ).order_by("at", "id")
    for step in steps:
        last_steps[step.object_id] = step
    opts = model._meta
    return [
        QueueRow(
            record,
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]),
            last_steps.get(record.pk),
        )
        for record in records
    ]


def queue_view(site, request):
    """待审核 (N): the submitted records the user may review; for data entry, their returned records."""
    queue, returned = review.queue_counts(request.user), review.returned_counts(request.user)
    if not queue.entries and not returned.entries:
        raise PermissionDenied
    context = {
        **site.each_context(request),
        "title": _("Review queue"),
        "queue": queue,
        "returned": returned,
        "queue_sections": [QueueSection(e, queue_rows(e, request.user)) for e in queue.entries if e.count],
        "returned_sections": [QueueSection(e, queue_rows(e, request.user)) for e in returned.entries if e.count],
    }
    return TemplateResponse(request, "registry/review/queue.html", context)
