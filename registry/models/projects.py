"""Cooperation, landing and 揭榜挂帅 projects, with partners and stated targets."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.pinyin import Pinyin, PinyinCharField, SortKeyField

from .base import CitedModel, RegistryModel
from .indicators import Qualifier
from .organizations import Organization
from .review import Reviewed
from .talents import Talent


class Project(Reviewed, CitedModel):
    """A project or cooperation: a 揭榜挂帅 task, a landing or industry-university-research project, a
    co-built institution, enterprise or platform R&D, training, talent introduction, a roadshow, an
    enterprise brought to the city, demonstration work. `platform` is the platform a co-building
    project built, or the one the project is carried out at."""

    NATURAL_KEY = ("title",)

    class Kind(models.TextChoices):
        OPEN_COMPETITION = "open_competition", _("open competition (揭榜挂帅)")
        LANDING = "landing", _("university-city landing project")
        INDUSTRY_UNIVERSITY = "industry_university", _("industry-university-research project")
        SCIENCE_PLAN = "science_plan", _("science plan project")
        CO_BUILDING = "co_building", _("co-built institution or centre")
        RESEARCH = "research", _("enterprise or platform R&D")
        TALENT_TRAINING = "talent_training", _("talent training")
        TALENT_INTRODUCTION = "talent_introduction", _("talent introduction")
        ROADSHOW = "roadshow", _("results roadshow")
        ENTERPRISE_ARRIVAL = "enterprise_arrival", _("enterprise brought to the city")
        DEMONSTRATION = "demonstration", _("demonstration and extension")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        COMPLETED = "completed", _("completed")
        STOPPED = "stopped", _("stopped")

    title = PinyinCharField(_("title"), max_length=300, unique=True)
    title_pinyin = SortKeyField("title")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    field = models.CharField(_("field"), max_length=100, blank=True)
    problem_owner = models.ForeignKey(
        Organization,
        models.PROTECT,
        verbose_name=_("problem owner"),
        null=True,
        blank=True,
        related_name="owned_projects",
        help_text=_(
            "For a 揭榜挂帅 task the enterprise that set it; for other projects the organization they belong to."
        ),
    )
    platform = models.ForeignKey(
        "registry.Platform",
        models.PROTECT,
        verbose_name=_("platform"),
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("For a co-building project the platform it built; otherwise the platform it is carried out at."),
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ONGOING)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = [Pinyin("title").asc()]

    def __str__(self):
        return self.title


class ProjectPartner(RegistryModel):
    """A partner institution or lead scientist of a project, with a role."""

    NATURAL_KEY = ("project__title", "organization__name", "talent__name")

    class Role(models.TextChoices):
        PARTNER_INSTITUTION = "partner_institution", _("partner institution")
        LEAD_SCIENTIST = "lead_scientist", _("lead scientist")
        TEAM_MEMBER = "team_member", _("team member")
        SOLVER = "solver", _("solver (揭榜方)")

    project = models.ForeignKey(Project, models.CASCADE, verbose_name=_("project"), related_name="partners")
    organization = models.ForeignKey(
        Organization, models.PROTECT, verbose_name=_("organization"), null=True, blank=True
    )
    talent = models.ForeignKey(Talent, models.PROTECT, verbose_name=_("person"), null=True, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | models.Q(talent__isnull=False),
                name="registry_project_partner_has_party",
                violation_error_message=_("A partner needs an organization or a person."),
            )
        ]

    def __str__(self):
        return f"{self.project} · {self.talent or self.organization}"


class ProjectTarget(RegistryModel):
    """A target or result of a project as a row: metric, value and unit (capacity, output value, tax)."""

    NATURAL_KEY = ("project__title", "metric")

    class Kind(models.TextChoices):
        TARGET = "target", _("target")
        RESULT = "result", _("result")

    project = models.ForeignKey(Project, models.CASCADE, verbose_name=_("project"), related_name="targets")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TARGET)
    metric = models.CharField(_("metric"), max_length=100)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    qualifier = models.CharField(_("qualifier"), max_length=20, choices=Qualifier.choices, blank=True)

    class Meta:
        verbose_name = _("project target")
        verbose_name_plural = _("project targets")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "metric"],
                name="registry_project_target_unique_metric",
                violation_error_message=_("This project already has this metric."),
            )
        ]

    def __str__(self):
        return f"{self.metric} {self.value or ''}{self.unit}"
