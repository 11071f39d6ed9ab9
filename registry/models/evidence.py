"""Evidence attached to reviewed records: the kinds (an editable lookup), which kinds a kind of record
needs before it may be submitted, and the files themselves with the reviewer's verdict on each.

The rules (who may upload, download and judge; the content check) live in registry/evidence.py.
Files are kept by the "evidence" storage (settings.STORAGES): under MEDIA_ROOT, which no URL serves,
or in object storage; they are read only through the download view that checks the user.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def evidence_storage() -> Storage:
    return storages["evidence"]


def evidence_path(instance: Attachment, filename: str) -> str:
    """Stored under a random name (the original name is kept in the row, never on disk)."""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class EvidenceKind(models.Model):
    """A kind of evidence: 证书, 协议, 合同文本, 登记证明, 现场照片, 服务确认书, 到账凭证, 其他."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("kind of evidence")
        verbose_name_plural = _("kinds of evidence")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class EvidenceRequirement(models.Model):
    """A kind of evidence a kind of record needs before it may be submitted for review."""

    content_type = models.ForeignKey(ContentType, models.CASCADE, verbose_name=_("record type"))
    kind = models.ForeignKey(EvidenceKind, models.PROTECT, verbose_name=_("kind of evidence"))

    class Meta:
        verbose_name = _("required evidence")
        verbose_name_plural = _("required evidence")
        ordering = ["content_type", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "kind"],
                name="registry_evidence_requirement_once",
                violation_error_message=_("This kind of record needs this kind of evidence already."),
            )
        ]

    def __str__(self):
        return f"{self.content_type.name}: {self.kind}"


class Attachment(models.Model):
    """A file attached to a reviewed record as evidence, with the reviewer's verdict on it."""

    class Verdict(models.TextChoices):
        PASSED = "passed", _("acceptable")
        FAILED = "failed", _("not acceptable")

    content_type = models.ForeignKey(ContentType, models.CASCADE, verbose_name=_("record type"))
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    kind = models.ForeignKey(EvidenceKind, models.PROTECT, verbose_name=_("kind of evidence"))
    file = models.FileField(_("file"), upload_to=evidence_path, storage=evidence_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, editable=False)
    media_type = models.CharField(_("file type"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        verbose_name=_("uploaded by"),
        null=True,
        editable=False,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True, editable=False)
    verdict_note = models.CharField(_("verdict note"), max_length=300, blank=True, editable=False)
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        verbose_name=_("judged by"),
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    verdict_at = models.DateTimeField(_("judged at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["kind__position", "uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="registry_attachment_record")]

    def __str__(self):
        return f"{self.kind}: {self.original_name}"

    @property
    def is_image(self) -> bool:
        return self.media_type in ("image/jpeg", "image/png")


# GenericForeignKey takes no verbose_name: give the link a translated label like every other field.
Attachment._meta.get_field("record").verbose_name = _("record")  # type: ignore[attr-defined]
