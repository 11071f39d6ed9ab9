"""The yearly scoring scheme of the annual assessment of commissioners (科技特派员年度考核).

A scheme names, for one year, the parts of the score (服务情况 60, 成效 20, 满意度 20, ...): each part
measures one figure of the year's approved service records against a target that earns full
marks, with a weight; the weights add up to 100. Grade thresholds turn the score into 优秀 / 良好 /
合格 / 不合格. registry/assessment.py computes the scores.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .base import RegistryModel

FULL_MARKS = Decimal(100)
# The options of every score field: 0.0 to 100.0.
SCORE: dict[str, Any] = {
    "max_digits": 5,
    "decimal_places": 1,
    "validators": [MinValueValidator(0), MaxValueValidator(FULL_MARKS)],
}


class Measure(models.TextChoices):
    """What a part of the score counts over the year's approved service records of a commissioner."""

    RECORDS = "records", _("service activities")
    SERVICE_DAYS = "service_days", _("service days")
    SESSIONS = "sessions", _("sessions")
    PEOPLE_TRAINED = "people_trained", _("people trained")
    VARIETIES_INTRODUCED = "varieties_introduced", _("varieties introduced")
    TECHNIQUES_INTRODUCED = "techniques_introduced", _("techniques introduced")
    PROBLEMS_SOLVED = "problems_solved", _("problems solved")
    ENTERPRISES_SERVED = "enterprises_served", _("enterprises served")
    SATISFACTION_RATE = "satisfaction_rate", _("satisfaction rate (%)")


def weights_error(weights: list[int]) -> str | None:
    """Why a scheme with parts weighing `weights` cannot score (None when they add up to 100)."""
    total = sum(weights)
    if total == FULL_MARKS:
        return None
    return gettext("The weights of the parts must add up to 100; they add up to %(total)s.") % {"total": total}


class AssessmentScheme(RegistryModel):
    """How one year's annual assessment scores and grades commissioners."""

    NATURAL_KEY = ("year",)

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    excellent_min = models.DecimalField(_("minimum score for excellent"), default=Decimal(90), **SCORE)
    good_min = models.DecimalField(_("minimum score for good"), default=Decimal(80), **SCORE)
    pass_min = models.DecimalField(_("minimum score for pass"), default=Decimal(60), **SCORE)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(excellent_min__gte=models.F("good_min"))
                & models.Q(good_min__gte=models.F("pass_min")),
                name="registry_assessment_scheme_thresholds",
                violation_error_message=_("The minimum scores must not rise from excellent to good to pass."),
            )
        ]

    def __str__(self):
        return gettext("Assessment scheme %(year)s") % {"year": self.year}

    def weights_error(self) -> str | None:
        """Why the stored parts cannot score (weights not adding up to 100), or None."""
        return weights_error(list(self.parts.values_list("weight", flat=True)))

    def check_weights(self) -> None:
        error = self.weights_error()
        if error:
            raise ValidationError(error, code="weights")


class AssessmentSchemePart(RegistryModel):
    """One part of a scheme's score: a measure, the value earning full marks, and its weight."""

    NATURAL_KEY = ("scheme__year", "name")

    scheme = models.ForeignKey(AssessmentScheme, models.CASCADE, verbose_name=_("scheme"), related_name="parts")
    name = models.CharField(_("name"), max_length=50)
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    target = models.DecimalField(
        _("target for full marks"), max_digits=9, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    weight = models.PositiveSmallIntegerField(_("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)])

    class Meta:
        verbose_name = _("assessment scheme part")
        verbose_name_plural = _("assessment scheme parts")
        ordering = ["scheme", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "name"],
                name="registry_assessment_part_unique_name",
                violation_error_message=_("This scheme already has a part of this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(target__gt=0),
                name="registry_assessment_part_target_positive",
                violation_error_message=_("The target must be above zero."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight})"
