"""Forms of the import pages."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

ACCEPTED_SUFFIXES = (".xlsx", ".xls", ".csv", ".txt")


class SpreadsheetImportForm(forms.Form):
    """The upload step: a spreadsheet, whether unknown organizations may be created, and whether
    blank cells clear stored values."""

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
