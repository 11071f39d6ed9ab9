"""Innovation platforms (创新平台) with their member organizations and experts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.pinyin import Pinyin, PinyinCharField, SortKeyField

from .base import CitedModel, RegistryModel
from .choices import Level
from .organizations import Organization
from .talents import Talent


class Platform(CitedModel):
    """An innovation platform: technology innovation centre, new-type R&D institution, laboratory, ..."""

    class Kind(models.TextChoices):
        INNOVATION_CENTRE = "innovation_centre", _("technology innovation centre")
        NEW_RD_INSTITUTION = "new_rd_institution", _("new-type R&D institution")
        ACADEMICIAN_WORKSTATION = "academician_workstation", _("academician workstation")
        KEY_LABORATORY = "key_laboratory", _("key laboratory")
        ENGINEERING_LABORATORY = "engineering_laboratory", _("engineering laboratory")
        ENTERPRISE_RD_CENTRE = "enterprise_rd_centre", _("enterprise R&D centre")
        INCUBATOR = "incubator", _("incubator")
        TALENT_ENCLAVE = "talent_enclave", _("talent enclave")
        INNOVATION_CONSORTIUM = "innovation_consortium", _("innovation consortium")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("in preparation")
        OPERATING = "operating", _("operating")
        CLOSED = "closed", _("closed")

    name = PinyinCharField(_("name"), max_length=200, unique=True)
    name_pinyin = SortKeyField("name")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPERATING)
    host = models.ForeignKey(
        Organization,
        models.PROTECT,
        verbose_name=_("host organization"),
        null=True,
        blank=True,
        related_name="hosted_platforms",
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    member_organizations: models.ManyToManyField[Organization, PlatformMember] = models.ManyToManyField(
        Organization,
        through="PlatformMember",
        verbose_name=_("member organizations"),
        related_name="platform_memberships",
    )
    experts: models.ManyToManyField[Talent, PlatformExpert] = models.ManyToManyField(
        Talent, through="PlatformExpert", verbose_name=_("experts"), related_name="platform_roles"
    )

    class Meta:
        verbose_name = _("innovation platform")
        verbose_name_plural = _("innovation platforms")
        ordering = [Pinyin("name").asc()]

    def __str__(self):
        return self.name


class PlatformMember(RegistryModel):
    """An organization taking part in a platform (member unit, co-builder, ...)."""

    NATURAL_KEY = ("platform__name", "organization__name")

    class Role(models.TextChoices):
        MEMBER = "member", _("member unit")
        CO_BUILDER = "co_builder", _("co-builder")
        LEAD = "lead", _("lead unit")
        PARTNER = "partner", _("partner")

    platform = models.ForeignKey(Platform, models.CASCADE, verbose_name=_("platform"))
    organization = models.ForeignKey(Organization, models.PROTECT, verbose_name=_("organization"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("platform member")
        verbose_name_plural = _("platform members")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "organization"],
                name="registry_platform_member_unique",
                violation_error_message=_("This organization is already a member of this platform."),
            )
        ]

    def __str__(self):
        return f"{self.platform} · {self.organization}"


class PlatformExpert(RegistryModel):
    """A person serving a platform: academician, leading expert, committee member, ..."""

    NATURAL_KEY = ("platform__name", "talent__name", "talent__employer__name")

    class Role(models.TextChoices):
        ACADEMICIAN = "academician", _("academician")
        LEADING_EXPERT = "leading_expert", _("leading expert")
        COMMITTEE_MEMBER = "committee_member", _("committee member")
        COMMITTEE_HEAD = "committee_head", _("head of expert committee")
        DIRECTOR = "director", _("director")
        RESEARCHER = "researcher", _("researcher")

    platform = models.ForeignKey(Platform, models.CASCADE, verbose_name=_("platform"))
    talent = models.ForeignKey(Talent, models.PROTECT, verbose_name=_("talent"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_flexible = models.BooleanField(_("flexibly introduced"), default=False)

    class Meta:
        verbose_name = _("platform expert")
        verbose_name_plural = _("platform experts")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "talent"],
                name="registry_platform_expert_unique",
                violation_error_message=_("This person is already an expert of this platform."),
            )
        ]

    def __str__(self):
        return f"{self.platform} · {self.talent}"
