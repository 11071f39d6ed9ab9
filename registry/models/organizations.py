"""Organizations (单位) and their qualifications (企业资质)."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry import validity
from registry.pinyin import Pinyin, PinyinCharField, SortKeyField
from registry.validators import DateOrder, validate_credit_code

from .base import CitedModel, RegistryModel
from .lookups import DevelopmentZone, Division, IndustryCluster, QualificationKind
from .review import Reviewed


class Organization(CitedModel):
    """A legal entity the bureau deals with: a firm, university, institute, government body, ..."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("enterprise")
        UNIVERSITY = "university", _("university")
        INSTITUTE = "institute", _("research institute")
        GOVERNMENT = "government", _("government body")
        ASSOCIATION = "association", _("association")
        COOPERATIVE = "cooperative", _("co-operative")
        OTHER = "other", _("other")

    name = PinyinCharField(_("name"), max_length=200, unique=True)
    name_pinyin = SortKeyField("name")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_credit_code],
    )
    division = models.ForeignKey(Division, models.PROTECT, verbose_name=_("division"), null=True, blank=True)
    zone = models.ForeignKey(DevelopmentZone, models.PROTECT, verbose_name=_("development zone"), null=True, blank=True)
    cluster = models.ForeignKey(
        IndustryCluster, models.PROTECT, verbose_name=_("industry cluster"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = [Pinyin("name").asc()]

    def clean(self):
        # An empty credit code is stored as NULL so that uniqueness applies only to real codes.
        if self.credit_code is not None:
            self.credit_code = self.credit_code.strip().upper() or None

    def __str__(self):
        return self.name


class OrganizationAlias(RegistryModel):
    """Another spelling of an organization's name (abbreviation, former name, OCR variant)."""

    organization = models.ForeignKey(
        Organization, models.CASCADE, verbose_name=_("organization"), related_name="aliases"
    )
    name = PinyinCharField(_("alias"), max_length=200, unique=True)
    name_pinyin = SortKeyField("name")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("organization alias")
        verbose_name_plural = _("organization aliases")
        ordering = [Pinyin("name").asc()]

    def __str__(self):
        return self.name


QUALIFICATION_VALIDITY = DateOrder(
    "issued_on",
    "valid_until",
    "registry_qualification_valid_after_issue",
    _("“Valid until” must be after “issued on”."),
    strict=True,
)


class Qualification(Reviewed, CitedModel):
    """An enterprise qualification held for a period: 高新技术企业, 科技型中小企业, 科技领军企业, ..."""

    NATURAL_KEY = ("organization__name", "kind__name", "number")

    organization = models.ForeignKey(
        Organization, models.PROTECT, verbose_name=_("organization"), related_name="qualifications"
    )
    kind = models.ForeignKey(QualificationKind, models.PROTECT, verbose_name=_("kind"))
    number = models.CharField(_("certificate or entry number"), max_length=50, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("enterprise qualification")
        verbose_name_plural = _("enterprise qualifications")
        ordering = ["organization", "kind", "-issued_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "number"],
                name="registry_qualification_unique_number",
                violation_error_message=_("This organization already has this qualification with this number."),
            ),
            QUALIFICATION_VALIDITY.constraint(),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True, revocation_reason="")
                | (Q(revoked_on__isnull=False) & ~Q(revocation_reason="")),
                name="registry_qualification_revocation_complete",
                violation_error_message=_("A revocation needs both its date and its reason."),
            ),
        ]

    def clean(self):
        if self.issued_on and not self.valid_until and self.kind_id:
            self.valid_until = default_valid_until(self.kind, self.issued_on)
        QUALIFICATION_VALIDITY.check(self)

    def validity_on(self, day: datetime.date | None = None) -> str:
        """The state on `day` (today by default), from the annotation the admin adds or one query."""
        day = day or validity.today()
        if day == validity.today() and hasattr(self, "validity"):
            return self.validity
        if self.pk is None:
            return ""
        rows = Qualification.objects.filter(pk=self.pk).annotate(state=validity.expression(day))
        return rows.values_list("state", flat=True).first() or ""

    def __str__(self):
        return f"{self.organization} · {self.kind}"


def default_valid_until(kind: QualificationKind, issued_on: datetime.date) -> datetime.date | None:
    """The end of validity a kind gives: 31 December of the issue year (科小), or N years (高企: 3)."""
    if kind.valid_for_calendar_year:
        return datetime.date(issued_on.year, 12, 31)
    if kind.validity_years:
        return add_years(issued_on, kind.validity_years)
    return None


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class AnnualReport(RegistryModel):
    """A qualification holder's development report on one year (高企年度发展情况报表), due by 31 May
    of the next year; `filed_on` empty means not filed yet."""

    NATURAL_KEY = ("qualification__organization__name", "qualification__kind__name", "qualification__number", "year")
    DUE_MONTH, DUE_DAY = 5, 31

    qualification = models.ForeignKey(
        Qualification, models.CASCADE, verbose_name=_("qualification"), related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("year reported on"))
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("yearly development report")
        verbose_name_plural = _("yearly development reports")
        ordering = ["-year", "qualification"]
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "year"],
                name="registry_annual_report_unique_year",
                violation_error_message=_("This qualification already has a report on this year."),
            ),
        ]

    def __str__(self):
        return f"{self.qualification} · {self.year}"

    @property
    def due_on(self) -> datetime.date:
        return report_due_on(self.year)


def report_due_on(year: int) -> datetime.date:
    """The day the development report on `year` is due: 31 May of the next year."""
    return datetime.date(year + 1, AnnualReport.DUE_MONTH, AnnualReport.DUE_DAY)
