"""The rules of evidence files (registry/models/evidence.py): what a file may be, who may add, open and
judge one, and which kinds a record still lacks before it may be submitted.

- A file's type is read from its content, not its name: PDF, JPEG, PNG, OFD, DOCX or XLSX, and the
  name's extension must agree; anything else, or a file over EVIDENCE_MAX_UPLOAD_MB, is refused.
- Adding and removing files is data entry's, on records they may change now (drafts and returned
  records of their districts: review.is_editable), like any other part of the record.
- Opening a file needs the view permission of its record's model and the record within the user's
  districts; each download is written to the audit log.
- Judging a file (合格 / 不合格 with a note, required when not acceptable) is the reviewer's, on a
  submitted record of their districts, not on a file they uploaded themselves.
- review.check refuses to submit a record lacking a required kind (missing_kinds), on every path.
"""

from __future__ import annotations

import hashlib
import zipfile
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import access, audit
from registry.models import AuditEvent, ReviewStatus
from registry.models.evidence import Attachment, EvidenceKind

User = Any
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Media type -> the extensions a file of that content may carry, and its name for messages.
TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "application/pdf": ((".pdf",), "PDF"),
    "image/jpeg": ((".jpg", ".jpeg"), "JPEG"),
    "image/png": ((".png",), "PNG"),
    "application/ofd": ((".ofd",), "OFD"),
    DOCX: ((".docx",), "DOCX"),
    XLSX: ((".xlsx",), "XLSX"),
}
# Which member of a zip file tells an OFD, a DOCX and an XLSX apart.
ZIP_MARKERS = (("OFD.xml", "application/ofd"), ("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))


def detect(stream: IO[bytes]) -> str | None:
    """The media type of a file's content, or None when it is none of the accepted types."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(stream).namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            stream.seek(0)
        return next((media for marker, media in ZIP_MARKERS if marker in names), None)
    return None


def check_file(name: str, size: int, stream: IO[bytes]) -> str:
    """The file's media type; ValidationError (in Chinese, naming the file) when it may not be kept."""
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB.") % {"name": name, "limit": limit // 2**20}, code="size"
        )
    media = detect(stream)
    accepted = "、".join(label for _suffixes, label in TYPES.values())
    if media is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG, PNG, OFD, DOCX or XLSX file (accepted: %(types)s).")
            % {"name": name, "types": accepted},
            code="type",
        )
    suffixes, label = TYPES[media]
    if not name.lower().endswith(suffixes):
        raise ValidationError(
            _("“%(name)s” holds a %(type)s file; its name must end in %(suffixes)s.")
            % {"name": name, "type": label, "suffixes": "、".join(suffixes)},
            code="mismatch",
        )
    return media


def describe(attachment: Attachment, stream: IO[bytes], user: User) -> None:
    """Fill in what is known of a new file: its name, type, size, SHA-256 and uploader."""
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    stream.seek(0)
    attachment.sha256 = digest.hexdigest()
    if getattr(user, "pk", None) is not None:
        attachment.uploaded_by = user


def attachments_of(obj: models.Model) -> models.QuerySet[Attachment]:
    content_type = ContentType.objects.get_for_model(type(obj))
    return Attachment.objects.filter(content_type=content_type, object_id=obj.pk).select_related("kind", "uploaded_by")


def required(model: type[models.Model]) -> models.QuerySet[EvidenceKind]:
    """The kinds of evidence records of `model` need before they may be submitted."""
    content_type = ContentType.objects.get_for_model(model)
    return EvidenceKind.objects.filter(evidencerequirement__content_type=content_type)


def missing_kinds(obj: models.Model) -> list[EvidenceKind]:
    """The kinds of evidence `obj`'s model requires that `obj` has no file of."""
    kinds = required(type(obj))
    if obj.pk is None:
        return list(kinds)
    return list(kinds.exclude(pk__in=attachments_of(obj).values("kind")))


def missing_message(obj: models.Model, kinds: list[EvidenceKind]) -> str:
    return _("“%(record)s” needs evidence before it can be submitted: %(kinds)s.") % {
        "record": obj,
        "kinds": "、".join(kind.name for kind in kinds),
    }


def required_kinds(model: type[models.Model]) -> list[EvidenceKind]:
    return list(required(model))


def may_view(user: User, attachment: Attachment) -> bool:
    """Whether `user` may open the file: the record's view permission, within their districts."""
    record = attachment.record
    if record is None:
        return False
    opts = record._meta
    return bool(user.has_perm(f"{opts.app_label}.view_{opts.model_name}")) and access.in_scope(user, record)


def log_download(request: Any, attachment: Attachment) -> None:
    audit.record(
        AuditEvent.Kind.DOWNLOAD,
        request,
        request.user,
        model=type(attachment.record) if attachment.record is not None else "",
        rows=1,
        file_name=attachment.original_name,
        detail=f"{attachment.record} #{attachment.object_id}: {attachment.kind} ({attachment.sha256[:12]})",
    )


def judge(attachment: Attachment, user: User, verdict: str, note: str = "") -> None:
    """Record the reviewer's verdict on a file; PermissionDenied or ValidationError with the reason."""
    from registry import review  # review.check asks this module for missing evidence

    record = attachment.record
    note = (note or "").strip()
    names = {"file": attachment.original_name, "record": record}
    if record is None or not review.may_review(user, type(record)):
        raise PermissionDenied(_("You may not judge the evidence of “%(record)s”.") % names)
    if not access.in_scope(user, record):
        raise PermissionDenied(
            _("“%(record)s” lies outside your districts (%(districts)s).")
            % {"record": record, "districts": access.district_names(user)}
        )
    if review.current_status(record) != ReviewStatus.SUBMITTED:
        raise ValidationError(_("Evidence is judged while its record waits for review."), code="state")
    if attachment.uploaded_by_id is not None and attachment.uploaded_by_id == getattr(user, "pk", None):
        raise PermissionDenied(_("You uploaded “%(file)s”: someone else must judge it (four eyes).") % names)
    if verdict not in Attachment.Verdict.values:
        raise ValidationError(_("Choose acceptable or not acceptable."), code="verdict")
    if verdict == Attachment.Verdict.FAILED and not note:
        raise ValidationError(_("Say why “%(file)s” is not acceptable.") % names, code="note")
    Attachment.objects.filter(pk=attachment.pk).update(
        verdict=verdict, verdict_note=note, verdict_by=user, verdict_at=timezone.now()
    )
    audit.record(
        AuditEvent.Kind.REVIEW,
        None,
        user,
        model=type(record),
        rows=1,
        file_name=attachment.original_name,
        detail=f"{record} #{record.pk}: {attachment.kind} {Attachment.Verdict(verdict).label}"
        + (f" — {note}" if note else ""),
    )
