"""Lookup tables staff can edit: divisions, zones, clusters, tiers, qualification and contract kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.pinyin import Pinyin, PinyinCharField, SortKeyField
from registry.validators import DateOrder, validate_division_code

from .base import RegistryModel


class Lookup(RegistryModel):
    """A named entry of a list that changes over time; retired entries are kept but inactive."""

    name = PinyinCharField(_("name"), max_length=100, unique=True)
    name_pinyin = SortKeyField("name")
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", Pinyin("name").asc()]

    def __str__(self):
        return self.name


class Division(Lookup):
    """An administrative division (旗县区) with its GB/T 2260 code, in Hohhot or elsewhere."""

    NATURAL_KEY = ("code",)

    class Kind(models.TextChoices):
        CITY = "city", _("city")
        DISTRICT = "district", _("district")
        BANNER = "banner", _("banner")
        COUNTY = "county", _("county")
        PROVINCE = "province", _("province or region")
        OTHER = "other", _("other place")

    code = models.CharField(_("division code"), max_length=6, unique=True, validators=[validate_division_code])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DISTRICT)
    in_hohhot = models.BooleanField(_("in Hohhot"), default=True)

    class Meta(Lookup.Meta):
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["code"]


class DevelopmentZone(Lookup):
    """A development zone or park the bureau reports on separately (经开区, 金山高新区, 和林格尔新区)."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        REGION = "region", _("autonomous region")
        CITY = "city", _("city")

    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    division = models.ForeignKey(Division, models.PROTECT, verbose_name=_("division"), null=True, blank=True)

    class Meta(Lookup.Meta):
        verbose_name = _("development zone")
        verbose_name_plural = _("development zones")


CLUSTER_VALIDITY = DateOrder(
    "valid_from",
    "valid_until",
    "registry_industry_cluster_validity",
    _("“Valid until” must not be before “valid from”."),
)


class IndustryCluster(Lookup):
    """One of the city's industry clusters; the wording changes, so entries have a validity period."""

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta(Lookup.Meta):
        verbose_name = _("industry cluster")
        verbose_name_plural = _("industry clusters")
        constraints = [CLUSTER_VALIDITY.constraint()]

    def clean(self):
        CLUSTER_VALIDITY.check(self)


class TalentTier(Lookup):
    """A talent classification tier (英才兴蒙 tiers 1-6, city tiers, ...)."""

    scheme = models.CharField(_("scheme"), max_length=100, blank=True)

    class Meta(Lookup.Meta):
        verbose_name = _("talent tier")
        verbose_name_plural = _("talent tiers")


class QualificationKind(Lookup):
    """A kind of enterprise qualification (高新技术企业, 科技型中小企业, 科技领军企业, ...)."""

    validity_years = models.PositiveSmallIntegerField(
        _("validity in years"),
        null=True,
        blank=True,
        help_text=_("Used to fill in “valid until” from the issue date, e.g. 3 for high-tech enterprises."),
    )
    valid_for_calendar_year = models.BooleanField(
        _("valid for the calendar year"),
        default=False,
        help_text=_("“Valid until” becomes 31 December of the issue year, e.g. for tech-based SMEs."),
    )
    annual_report = models.BooleanField(
        _("yearly development report"),
        default=False,
        help_text=_(
            "Holders file a development report on each year by 31 May of the next, e.g. high-tech enterprises."
        ),
    )

    class Meta(Lookup.Meta):
        verbose_name = _("qualification kind")
        verbose_name_plural = _("qualification kinds")


class ContractType(Lookup):
    """A technology-contract type (development, transfer, licence, consulting, service, ...)."""

    parent = models.ForeignKey("self", models.PROTECT, verbose_name=_("parent type"), null=True, blank=True)

    class Meta(Lookup.Meta):
        verbose_name = _("contract type")
        verbose_name_plural = _("contract types")
