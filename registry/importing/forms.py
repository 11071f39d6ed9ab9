"""Forms of the import pages."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _

from .review_states import Target, targets_for

ACCEPTED_SUFFIXES = (".xlsx", ".xls", ".csv", ".txt")


class SpreadsheetImportForm(forms.Form):
    """The upload step: a spreadsheet, whether unknown organizations may be created, whether blank
    cells clear stored values and, for a reviewed model, the state written rows land in (approving
    offered to the model's reviewers only)."""

    import_file = forms.FileField(
        label=_("File to import"),
        help_text=_("An Excel workbook (.xlsx, .xls) or a CSV file; the first row holds the column headers."),
    )
    create_missing = forms.BooleanField(
        label=_("Create missing organizations"),
        required=False,
        help_text=_("Organizations named in the file but not yet registered are created (off: such rows are errors)."),
    )
    clear_blanks = forms.BooleanField(
        label=_("Blank cells clear stored values"),
        required=False,
        help_text=_(
            "Off: a blank cell leaves the value stored for an existing record as it is. On: it clears it "
            "(the preview lists every field that would be cleared)."
        ),
    )

    def __init__(self, *args: Any, model: type[models.Model] | None = None, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = targets_for(user, model) if model is not None else []
        if choices:
            self.fields["review_target"] = forms.ChoiceField(
                label=_("Imported records become"),
                choices=choices,
                initial=Target.DRAFT,
                required=False,  # not chosen: drafts
                widget=forms.RadioSelect,
                help_text=_(
                    "Records waiting for review or approved cannot be changed by an import. Approving "
                    "approves the submitted records the file lists, unchanged, that someone else entered."
                ),
            )

    def clean_import_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["import_file"]
        if (upload.size or 0) > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB.") % {"limit": settings.IMPORT_MAX_UPLOAD_BYTES // 2**20}
            )
        if not (upload.name or "").lower().endswith(ACCEPTED_SUFFIXES):
            raise forms.ValidationError(_("Upload an .xlsx, .xls or .csv file."))
        return upload


class ConfirmForm(forms.Form):
    """The confirmation step names the stored, validated file."""

    token = forms.UUIDField(widget=forms.HiddenInput)
