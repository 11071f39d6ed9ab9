"""Science-and-technology commissioners (科技特派员), their workstations, teams and service records."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.pinyin import Pinyin, PinyinCharField, SortKeyField
from registry.validators import DateOrder

from .assessments import SCORE, AssessmentScheme
from .base import CitedModel, RegistryModel
from .choices import Level
from .lookups import Division
from .organizations import Organization
from .review import Reviewed
from .talents import Talent

MEMBER_DATES = DateOrder(
    "joined_on", "left_on", "registry_workstation_member_dates", _("“Left on” must not be before “joined on”.")
)
COMMISSIONER_TERM = DateOrder(
    "term_start", "term_end", "registry_commissioner_term", _("The term must not end before it starts.")
)
SERVICE_DATES = DateOrder(
    "started_on", "ended_on", "registry_service_record_dates", _("The end must not be before the start.")
)


def exactly_one(*fields: str) -> models.Q:
    """The condition that exactly one of the (nullable) `fields` is filled."""
    condition = models.Q()
    for chosen in fields:
        filled = models.Q(**{f"{chosen}__isnull": False})
        for other in fields:
            if other != chosen:
                filled &= models.Q(**{f"{other}__isnull": True})
        condition |= filled
    return condition


class Workstation(Reviewed, CitedModel):
    """A workstation hosted by an organization: for enterprise commissioners, commissioner experts
    or academician experts."""

    class Kind(models.TextChoices):
        ENTERPRISE_COMMISSIONER = "enterprise_commissioner", _("enterprise commissioner workstation")
        COMMISSIONER_EXPERT = "commissioner_expert", _("commissioner expert workstation")
        ACADEMICIAN_EXPERT = "academician_expert", _("academician expert workstation")

    name = PinyinCharField(_("name"), max_length=200, unique=True)
    name_pinyin = SortKeyField("name")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    host = models.ForeignKey(
        Organization,
        models.PROTECT,
        verbose_name=_("host organization"),
        related_name="workstations",
        null=True,
        blank=True,
    )
    filing_level = models.CharField(_("filing level"), max_length=20, choices=Level.choices, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    honours = models.TextField(_("honours"), blank=True)
    members: models.ManyToManyField[Talent, WorkstationMember] = models.ManyToManyField(
        Talent, through="WorkstationMember", verbose_name=_("members"), related_name="workstations"
    )

    class Meta:
        verbose_name = _("workstation")
        verbose_name_plural = _("workstations")
        ordering = [Pinyin("name").asc()]

    def __str__(self):
        return self.name


class WorkstationMember(RegistryModel):
    """A person working in a workstation (an academician, expert or commissioner), for a period."""

    NATURAL_KEY = ("workstation__name", "talent__name", "talent__employer__name")

    class Role(models.TextChoices):
        ACADEMICIAN = "academician", _("academician")
        EXPERT = "expert", _("expert")
        COMMISSIONER = "commissioner", _("commissioner")
        LEADER = "leader", _("leader")

    workstation = models.ForeignKey(Workstation, models.CASCADE, verbose_name=_("workstation"))
    talent = models.ForeignKey(Talent, models.PROTECT, verbose_name=_("talent"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EXPERT)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("workstation member")
        verbose_name_plural = _("workstation members")
        constraints = [
            models.UniqueConstraint(
                fields=["workstation", "talent"],
                name="registry_workstation_member_unique",
                violation_error_message=_("This person is already a member of this workstation."),
            ),
            MEMBER_DATES.constraint(),
        ]

    def clean(self):
        MEMBER_DATES.check(self)

    def __str__(self):
        return f"{self.workstation} · {self.talent}"


class CommissionerTeam(Reviewed, CitedModel):
    """A commissioner team (科技特派团) with a leader, members and the area it serves."""

    name = PinyinCharField(_("name"), max_length=200, unique=True)
    name_pinyin = SortKeyField("name")
    leader = models.ForeignKey(
        Talent, models.PROTECT, verbose_name=_("leader"), null=True, blank=True, related_name="led_teams"
    )
    members = models.ManyToManyField(Talent, verbose_name=_("members"), blank=True, related_name="commissioner_teams")
    service_area = models.CharField(_("service area"), max_length=200, blank=True)
    divisions = models.ManyToManyField(Division, verbose_name=_("divisions served"), blank=True)

    class Meta:
        verbose_name = _("commissioner team")
        verbose_name_plural = _("commissioner teams")
        ordering = [Pinyin("name").asc()]

    def __str__(self):
        return self.name


class Commissioner(Reviewed, CitedModel):
    """A commissioner appointment: a person (natural-person commissioner) or an organization
    (legal-person commissioner unit), of one kind, sent by a dispatching unit for a term."""

    NATURAL_KEY = ("talent__name", "talent__employer__name", "organization__name", "kind")

    class Kind(models.TextChoices):
        AGRICULTURAL = "agricultural", _("agricultural commissioner")
        ENTERPRISE = "enterprise", _("enterprise commissioner")
        LEGAL_PERSON = "legal_person", _("legal-person commissioner")
        THREE_REGIONS = "three_regions", _("“three regions” technical staff")

    class Status(models.TextChoices):
        ACTIVE = "active", _("serving")
        ENDED = "ended", _("term ended")
        SUSPENDED = "suspended", _("suspended")

    talent = models.ForeignKey(
        Talent, models.PROTECT, verbose_name=_("talent"), null=True, blank=True, related_name="commissioner_roles"
    )
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        verbose_name=_("legal-person unit"),
        null=True,
        blank=True,
        related_name="commissioner_roles",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    dispatching_unit = models.ForeignKey(
        Organization,
        models.PROTECT,
        verbose_name=_("dispatching unit"),
        null=True,
        blank=True,
        related_name="dispatched_commissioners",
    )
    workstation = models.ForeignKey(
        Workstation,
        models.SET_NULL,
        verbose_name=_("workstation"),
        null=True,
        blank=True,
        related_name="commissioners",
    )
    team = models.ForeignKey(
        CommissionerTeam,
        models.SET_NULL,
        verbose_name=_("team"),
        null=True,
        blank=True,
        related_name="commissioners",
    )
    service_field = models.CharField(_("service field"), max_length=200, blank=True)
    service_divisions = models.ManyToManyField(
        Division, verbose_name=_("service districts"), blank=True, related_name="commissioners"
    )
    service_places = models.CharField(_("townships and villages served"), max_length=300, blank=True)
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = _("commissioner")
        verbose_name_plural = _("commissioners")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(talent__isnull=False) & models.Q(organization__isnull=True))
                | (models.Q(talent__isnull=True) & models.Q(organization__isnull=False)),
                name="registry_commissioner_person_or_unit",
                violation_error_message=_(
                    "A commissioner is either a person or a legal-person unit, not both or neither."
                ),
            ),
            COMMISSIONER_TERM.constraint(),
        ]

    def clean(self):
        COMMISSIONER_TERM.check(self)
        if self.kind == self.Kind.LEGAL_PERSON and not self.organization_id:
            raise ValidationError({"organization": _("A legal-person commissioner needs a legal-person unit.")})
        if self.kind != self.Kind.LEGAL_PERSON and self.organization_id:
            raise ValidationError(
                {
                    "kind": _(
                        "Only a legal-person commissioner is an organization; "
                        "choose the kind “legal-person commissioner”."
                    )
                }
            )

    def __str__(self):
        who = self.talent or self.organization
        return f"{who} ({self.get_kind_display()})"


class CommissionerAssessment(Reviewed, RegistryModel):
    """The annual assessment of a commissioner, a commissioner team or a workstation (exactly one of
    them): the grade, and when generated from the year's scheme (registry/assessment.py) the score,
    the proposed grade and its breakdown; a reviewer confirms the grade or overrides it with a reason
    as the record is approved."""

    NATURAL_KEY = ("commissioner__id", "team__name", "workstation__name", "year")
    # The fields naming what is assessed; exactly one is filled.
    ASSESSED_FIELDS = ("commissioner", "team", "workstation")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("excellent")
        GOOD = "good", _("good")
        PASS = "pass", _("pass")
        FAIL = "fail", _("fail")

    commissioner = models.ForeignKey(
        Commissioner,
        models.CASCADE,
        verbose_name=_("commissioner"),
        related_name="assessments",
        null=True,
        blank=True,
    )
    team = models.ForeignKey(
        CommissionerTeam,
        models.CASCADE,
        verbose_name=_("commissioner team"),
        related_name="assessments",
        null=True,
        blank=True,
    )
    workstation = models.ForeignKey(
        Workstation,
        models.CASCADE,
        verbose_name=_("workstation"),
        related_name="assessments",
        null=True,
        blank=True,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    # Filled by the generation from a scheme; never typed in.
    scheme = models.ForeignKey(
        AssessmentScheme, models.PROTECT, verbose_name=_("scheme"), null=True, blank=True, editable=False
    )
    score = models.DecimalField(_("score"), null=True, blank=True, editable=False, **SCORE)
    proposed_grade = models.CharField(
        _("proposed grade"), max_length=20, choices=Grade.choices, blank=True, editable=False
    )
    breakdown = models.JSONField(_("score breakdown"), default=list, blank=True, editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        verbose_name=_("generated by"),
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True, editable=False)
    override_reason = models.CharField(_("reason for overriding the proposed grade"), max_length=300, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("annual assessment")
        verbose_name_plural = _("annual assessments")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one("commissioner", "team", "workstation"),
                name="registry_assessment_one_assessed",
                violation_error_message=_(
                    "An annual assessment is of exactly one commissioner, commissioner team or workstation."
                ),
            ),
            models.UniqueConstraint(
                fields=["commissioner", "year"],
                name="registry_assessment_unique_year",
                violation_error_message=_("This commissioner already has an assessment for this year."),
            ),
            models.UniqueConstraint(
                fields=["team", "year"],
                name="registry_assessment_unique_team_year",
                violation_error_message=_("This commissioner team already has an assessment for this year."),
            ),
            models.UniqueConstraint(
                fields=["workstation", "year"],
                name="registry_assessment_unique_workstation_year",
                violation_error_message=_("This workstation already has an assessment for this year."),
            ),
        ]

    def clean(self):
        error = override_error(self.proposed_grade, self.grade, self.override_reason)
        if error:
            raise ValidationError({"override_reason": error})

    @property
    def assessed(self) -> Commissioner | CommissionerTeam | Workstation | None:
        """The commissioner, team or workstation this assessment is of."""
        return self.commissioner or self.team or self.workstation

    def __str__(self):
        return f"{self.assessed or ''} {self.year}".strip()


def override_error(proposed: str, grade: str, reason: str) -> str | None:
    """Why a grade differing from the proposed one cannot stand: it needs a reason."""
    if proposed and grade and grade != proposed and not (reason or "").strip():
        return str(_("A grade other than the proposed one needs a reason."))
    return None


class ServiceRecord(Reviewed, CitedModel):
    """What a commissioner or workstation did: a visit, a training, a live stream, a survey, ...
    with the counters the bureau reports."""

    NATURAL_KEY = ("title", "started_on")

    class Kind(models.TextChoices):
        FIELD_GUIDANCE = "field_guidance", _("field guidance")
        TRAINING = "training", _("training")
        POLICY_BRIEFING = "policy_briefing", _("policy briefing")
        LIVE_STREAM = "live_stream", _("live stream")
        JOINT_RD = "joint_rd", _("joint R&D")
        NEEDS_SURVEY = "needs_survey", _("needs survey")
        IP_SERVICE = "ip_service", _("intellectual property service")
        RD_BOOKKEEPING = "rd_bookkeeping", _("R&D expense bookkeeping")
        VARIETY_BREEDING = "variety_breeding", _("variety breeding and extension")
        OTHER = "other", _("other")

    class Evaluation(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        BASICALLY_SATISFIED = "basically_satisfied", _("basically satisfied")
        DISSATISFIED = "dissatisfied", _("dissatisfied")

    title = models.CharField(_("title"), max_length=200)
    commissioner = models.ForeignKey(
        Commissioner,
        models.PROTECT,
        verbose_name=_("commissioner"),
        null=True,
        blank=True,
        related_name="service_records",
    )
    workstation = models.ForeignKey(
        Workstation,
        models.PROTECT,
        verbose_name=_("workstation"),
        null=True,
        blank=True,
        related_name="service_records",
    )
    team = models.ForeignKey(
        CommissionerTeam,
        models.PROTECT,
        verbose_name=_("team"),
        null=True,
        blank=True,
        related_name="service_records",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    served_organizations = models.ManyToManyField(
        Organization, verbose_name=_("organizations served"), blank=True, related_name="services_received"
    )
    started_on = models.DateField(_("date or start"), null=True, blank=True)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    people_trained = models.PositiveIntegerField(_("people trained"), null=True, blank=True)
    sessions = models.PositiveIntegerField(_("sessions"), null=True, blank=True)
    varieties_introduced = models.PositiveIntegerField(_("varieties introduced"), null=True, blank=True)
    techniques_introduced = models.PositiveIntegerField(_("techniques introduced"), null=True, blank=True)
    problems_solved = models.PositiveIntegerField(_("problems solved"), null=True, blank=True)
    enterprises_served = models.PositiveIntegerField(_("enterprises served"), null=True, blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    evaluation = models.CharField(
        _("evaluation by the served party"), max_length=30, choices=Evaluation.choices, blank=True
    )
    evaluation_note = models.CharField(_("evaluation note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commissioner__isnull=False)
                | models.Q(workstation__isnull=False)
                | models.Q(team__isnull=False),
                name="registry_service_record_has_provider",
                violation_error_message=_("A service record needs a commissioner, a workstation or a team."),
            ),
            SERVICE_DATES.constraint(),
        ]

    def clean(self):
        SERVICE_DATES.check(self)

    def __str__(self):
        return self.title
