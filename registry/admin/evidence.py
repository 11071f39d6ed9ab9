"""Evidence on the admin screens: the files inline on every reviewed record's page, the kinds and the
requirements as lookups, the download view and the reviewer's verdict. The rules are registry/evidence.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import evidence, review
from registry.models import Attachment, EvidenceKind, EvidenceRequirement


class AttachmentForm(forms.ModelForm):
    """A new file: its content checked (type from the content, size), its facts filled in. The upload
    is a form field of its own, not the model's `file`, so a stored row never shows its storage name."""

    upload = forms.FileField(label=gettext_lazy("file"))

    class Meta:
        model = Attachment
        fields = ["kind"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload and not self.instance.pk:
            name = upload.name or ""
            self.instance.media_type = evidence.check_file(name, upload.size or 0, upload)
            self.instance.original_name = name[:255]
            self.instance.size = upload.size or 0
            self.instance.file = upload
        return upload


class AttachmentFormSet(BaseGenericInlineFormSet):
    """A form sent without the evidence part (a script, a page saved before evidence existed) changes
    no files, rather than failing on the missing management form."""

    def __init__(self, data=None, files=None, instance=None, save_as_new=False, prefix=None, **kwargs: Any) -> None:
        key = f"{prefix or self.get_default_prefix()}-TOTAL_FORMS"
        if data is not None and key not in data:
            data = data.copy()
            data[key] = "0"
            data[key.replace("TOTAL_FORMS", "INITIAL_FORMS")] = "0"
        super().__init__(data, files, instance, save_as_new, prefix, **kwargs)


class AttachmentInline(GenericTabularInline):
    model = Attachment
    form = AttachmentForm
    formset = AttachmentFormSet  # type: ignore[assignment]  # a generic inline's formset, as Django expects
    extra = 0
    fields = ["kind", "upload", "facts"]
    readonly_fields = ["facts"]
    verbose_name = gettext_lazy("evidence file")
    verbose_name_plural = gettext_lazy("evidence (PDF, JPEG, PNG, OFD, DOCX, XLSX)")

    # A stored file shows as its facts and download link, never as its internal storage name.
    def get_fields(self, request, obj=None):
        return self.fields if obj is not None and self._may_change(request, obj) else ["kind", "facts"]

    @admin.display(description=gettext_lazy("file"))
    def upload(self, obj):
        """The upload column of a stored row (stored rows are read-only): empty, its facts are beside it."""
        return ""

    @admin.display(description=gettext_lazy("uploaded file"))
    def facts(self, obj):
        if not obj.pk:
            return ""
        url = reverse("admin:registry_evidence_download", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a> · {} · {} {}{}',
            url,
            obj.original_name,
            filesizeformat(obj.size),
            obj.uploaded_by or "—",
            timezone.localtime(obj.uploaded_at).strftime("%Y-%m-%d %H:%M"),
            f" · {obj.get_verdict_display()}" if obj.verdict else "",
        )

    # Files follow the record they prove: data entry adds and removes them while the record may change.
    def has_add_permission(self, request, obj=None):
        return obj is not None and self._may_change(request, obj)

    # A stored file is never edited: it is removed and another one uploaded.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is not None and self._may_change(request, obj)

    # Seen by whoever may see the record (the admin asks the Attachment model's own permissions).
    def has_view_permission(self, request, obj=None):
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")

    def _may_change(self, request, obj):
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}") and review.is_editable(obj)


class RequirementForm(forms.ModelForm):
    class Meta:
        model = EvidenceRequirement
        fields = ["content_type", "kind"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reviewed = [ContentType.objects.get_for_model(model).pk for model in review.reviewed_models()]
        self.fields["content_type"].queryset = ContentType.objects.filter(pk__in=reviewed)  # type: ignore[attr-defined]


@admin.register(EvidenceKind)
class EvidenceKindAdmin(admin.ModelAdmin):
    list_display = ("name", "position")
    list_editable = ("position",)
    search_fields = ("name",)


@admin.register(EvidenceRequirement)
class EvidenceRequirementAdmin(admin.ModelAdmin):
    form = RequirementForm
    list_display = ("content_type", "kind")
    list_filter = ("kind",)


def download_view(request, pk):
    """The file, to those who may see its record (404 for everyone else); downloads are logged,
    images also shown inline as thumbnails on the review screen."""
    attachment = get_object_or_404(Attachment.objects.select_related("kind"), pk=pk)
    if not evidence.may_view(request.user, attachment):
        raise Http404
    thumbnail = request.GET.get("thumbnail") == "1" and attachment.is_image
    if not thumbnail:
        evidence.log_download(request, attachment)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not thumbnail,
        filename=attachment.original_name,
        content_type=attachment.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def verdict_view(request, pk):
    """POST: the reviewer's verdict on one file, then back to its record's page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    attachment = get_object_or_404(Attachment, pk=pk)
    record = attachment.record
    if record is None or not evidence.may_view(request.user, attachment):
        raise Http404
    try:
        evidence.judge(attachment, request.user, request.POST.get("verdict", ""), request.POST.get("note", ""))
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, review.error_message(error))
    else:
        messages.success(request, _("The verdict on “%(file)s” is saved.") % {"file": attachment.original_name})
    opts = record._meta
    return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]))
