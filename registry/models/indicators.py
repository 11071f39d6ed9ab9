"""Indicators (统计指标): the figures the city reports, each from a source."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import CitedModel
from .organizations import Organization
from .platforms import Platform
from .sources import Source


class Qualifier(models.TextChoices):
    """How a reported figure is qualified ("余", "多", "近", ...); indicators and project targets."""

    EXACT = "", _("exact")
    ABOUT = "about", _("about (余)")
    MORE_THAN = "more_than", _("more than (多, +)")
    NEARLY = "nearly", _("nearly (近)")
    AT_LEAST = "at_least", _("at least (以上)")
    AT_MOST = "at_most", _("at most (最高)")
    CUMULATIVE = "cumulative", _("cumulative (累计)")


class Computation(models.TextChoices):
    """The registry counts an indicator can be compared with (registry/reports/indicators.py)."""

    COMMISSIONERS = "commissioners", _("commissioners")
    ENTERPRISE_COMMISSIONERS = "enterprise_commissioners", _("enterprise commissioners")
    ENTERPRISE_COMMISSIONER_WORKSTATIONS = (
        "enterprise_commissioner_workstations",
        _("enterprise commissioner workstations"),
    )
    COMMISSIONER_EXPERT_WORKSTATIONS = "commissioner_expert_workstations", _("commissioner expert workstations")
    ACADEMICIAN_WORKSTATIONS = "academician_workstations", _("academician expert workstations")
    COMMISSIONER_TEAMS = "commissioner_teams", _("commissioner teams")
    TRANSFER_AGENCIES = "transfer_agencies", _("technology-transfer agencies")
    TRAINING_BASES = "training_bases", _("technology-transfer training bases")
    BROKERS = "brokers", _("technology brokers")
    HIGH_TECH_ENTERPRISES = "high_tech_enterprises", _("valid high-tech enterprise qualifications")
    TECH_SMES = "tech_smes", _("valid tech-based SME qualifications")
    LEADING_ENTERPRISES = "leading_enterprises", _("valid leading tech enterprise qualifications")
    LANDING_PROJECTS = "landing_projects", _("university-city landing projects")
    OPEN_COMPETITION_PROJECTS = "open_competition_projects", _("open competition projects")
    PLATFORM_MEMBERS = "platform_members", _("member organizations of the platform")
    PLATFORM_ACADEMICIANS = "platform_academicians", _("academicians of the platform")
    PLATFORM_EXPERTS = "platform_experts", _("experts of the platform")
    TECH_CONTRACTS = "tech_contracts", _("technology contracts")
    POLICIES = "policies", _("policies")


class Indicator(CitedModel):
    """A reported figure: subject, metric, value, unit, qualifier, as-of date or year, and scope.

    The same subject and metric reported by two sources are two indicators; neither overwrites
    the other."""

    NATURAL_KEY = ("subject", "metric", "source__key")

    Qualifier = Qualifier
    Computation = Computation

    subject = models.CharField(_("subject"), max_length=200)
    metric = models.CharField(_("metric"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=30)
    qualifier = models.CharField(_("qualifier"), max_length=20, choices=Qualifier.choices, blank=True)
    as_of_year = models.PositiveSmallIntegerField(_("as of year"), null=True, blank=True)
    as_of_date = models.DateField(_("as of date"), null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=200, blank=True)
    source = models.ForeignKey(Source, models.PROTECT, verbose_name=_("reported in"), related_name="indicators")
    computed_as = models.CharField(
        _("registry computation"),
        max_length=60,
        choices=Computation.choices,
        blank=True,
        help_text=_("Name of the registry count this figure is compared with on the dashboard."),
    )
    organization = models.ForeignKey(
        Organization,
        models.SET_NULL,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        related_name="indicators",
    )
    platform = models.ForeignKey(
        Platform, models.SET_NULL, verbose_name=_("platform"), null=True, blank=True, related_name="indicators"
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["subject", "metric", "-as_of_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "metric", "source"],
                name="registry_indicator_unique_per_source",
                violation_error_message=_("This source already reports this metric for this subject."),
            )
        ]

    def __str__(self):
        return f"{self.subject} {self.metric}: {self.value.normalize():f}{self.unit}"
