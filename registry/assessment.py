"""The annual assessment of commissioners (科技特派员年度考核): scores proposed from the year's scheme,
grades confirmed by a reviewer, and the files (one .docx form per commissioner, one .xlsx list per district).

- `generate` computes, for a year and a district, each commissioner's figures from the APPROVED service
  records of that year (review.counted; one grouped query), scores them with the year's
  AssessmentScheme and stores the score, proposed grade and breakdown in the commissioner's
  CommissionerAssessment of that year (a draft, optionally submitted at once). Assessments already
  submitted or approved are left alone (a reviewer reopens one to regenerate it).
- `confirm` is the assessment's approval (review.approve): the reviewer keeps the proposed grade or
  chooses another with a reason; who confirmed and when is stored with the approval. Four eyes,
  permission and district come from registry/review.py: whoever generated and submitted an
  assessment cannot confirm it.
- Who: generating writes assessments, so it needs the add and change permissions on annual
  assessments (data entry, administrators); confirming needs the reviewer's approve permission;
  the files need the export permission. Each within the user's districts (registry/access.py).

Only commissioners are assessed: teams and workstations have no assessment records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import access, review
from registry.merging import saved_by
from registry.models import (
    AssessmentScheme,
    Commissioner,
    CommissionerAssessment,
    DevelopmentZone,
    Division,
    Measure,
    ReviewTransition,
    ServiceRecord,
)
from registry.models.commissioners import override_error

Grade = CommissionerAssessment.Grade
District = Division | DevelopmentZone
User = Any
TENTH = Decimal("0.1")
# Evaluations counted as satisfied in the satisfaction rate (满意 and 基本满意 over all evaluations).
SATISFIED = (ServiceRecord.Evaluation.SATISFIED, ServiceRecord.Evaluation.BASICALLY_SATISFIED)
# Counter fields of a service record summed as they are.
SUMMED = (
    Measure.SESSIONS,
    Measure.PEOPLE_TRAINED,
    Measure.VARIETIES_INTRODUCED,
    Measure.TECHNIQUES_INTRODUCED,
    Measure.PROBLEMS_SOLVED,
    Measure.ENTERPRISES_SERVED,
)


# --- Districts


def district_key(district: District) -> str:
    """How a district is named in forms and URLs: "division:3", "zone:2"."""
    return f"{'division' if isinstance(district, Division) else 'zone'}:{district.pk}"


def district_from_key(key: str) -> District | None:
    kind, _colon, pk = (key or "").partition(":")
    model = {"division": Division, "zone": DevelopmentZone}.get(kind)
    if model is None or not pk.isdigit():
        return None
    return model._default_manager.filter(pk=pk).first()


def user_district_choices(user: User) -> list[District]:
    """The districts the user may assess: theirs when scoped, every one otherwise."""
    districts = access.user_districts(user)
    divisions = Division.objects.order_by("code")
    zones = DevelopmentZone.objects.order_by("name")
    if districts is not None:
        divisions = divisions.filter(pk__in=districts.divisions)
        zones = zones.filter(pk__in=districts.zones)
    return [*divisions, *zones]


def check_district(user: User, district: District) -> None:
    """Refuse a district outside the user's districts."""
    districts = access.user_districts(user)
    if districts is not None and not districts.contains(district):
        raise PermissionDenied(
            _("%(district)s lies outside your districts (%(districts)s).")
            % {"district": district, "districts": access.district_names(user)}
        )


def only(district: District) -> access.Districts:
    """The one district as a scope (to select its records through DISTRICT_PATHS)."""
    one = frozenset({district.pk})
    if isinstance(district, Division):
        return access.Districts(one, frozenset())
    return access.Districts(frozenset(), one)


def commissioners_in(user: User, district: District, year: int) -> models.QuerySet[Commissioner]:
    """The approved commissioners of `district` whose term overlaps `year`, within the user's scope."""
    check_district(user, district)
    serving = Q(term_start__isnull=True) | Q(term_start__lte=datetime.date(year, 12, 31))
    serving &= Q(term_end__isnull=True) | Q(term_end__gte=datetime.date(year, 1, 1))
    queryset = review.counted(Commissioner.objects.filter(serving), include_submitted=False)
    return access.scope_queryset(user, access.records_in(queryset, only(district)))


# --- Figures and scores


@dataclass(frozen=True)
class Figures:
    """One commissioner's figures of a year, from the approved service records."""

    values: dict[str, Decimal] = field(default_factory=dict)

    def value(self, measure: str) -> Decimal:
        return self.values.get(measure, Decimal(0))


def year_figures(commissioners: models.QuerySet[Commissioner], year: int) -> dict[int, Figures]:
    """Figures per commissioner id for `year`, summed in one grouped query over the approved service
    records started that year. A record spans (end − start + 1) service days, one without an end one day."""
    records = review.counted(
        ServiceRecord.objects.filter(commissioner__in=commissioners, started_on__year=year), include_submitted=False
    )
    span = ExpressionWrapper(Coalesce("ended_on", "started_on") - F("started_on"), output_field=DurationField())
    rows = (
        records.order_by()
        .values("commissioner")
        .annotate(
            records=Count("pk"),
            span=Sum(span),
            evaluated=Count("pk", filter=~Q(evaluation="")),
            satisfied=Count("pk", filter=Q(evaluation__in=SATISFIED)),
            **{str(measure): Sum(str(measure)) for measure in SUMMED},
        )
    )
    figures = {}
    for row in rows:
        values: dict[str, Decimal] = {str(measure): Decimal(row[measure] or 0) for measure in SUMMED}
        values[str(Measure.RECORDS)] = Decimal(row["records"])
        span_days = row["span"].days if row["span"] else 0
        values[str(Measure.SERVICE_DAYS)] = Decimal(span_days + row["records"])
        if row["evaluated"]:
            rate = Decimal(100) * row["satisfied"] / row["evaluated"]
            values[str(Measure.SATISFACTION_RATE)] = rate.quantize(TENTH, ROUND_HALF_UP)
        figures[row["commissioner"]] = Figures(values)
    return figures


@dataclass(frozen=True)
class PartScore:
    """One part of a score: the figure against the target, and the points it earns (of `weight`)."""

    name: str
    measure: str
    value: Decimal
    target: Decimal
    weight: int
    points: Decimal

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "measure": self.measure,
            "value": str(self.value),
            "target": str(self.target),
            "weight": self.weight,
            "points": str(self.points),
        }


@dataclass(frozen=True)
class Proposal:
    commissioner: Commissioner
    parts: tuple[PartScore, ...]
    score: Decimal
    grade: str


def score_parts(scheme: AssessmentScheme, figures: Figures) -> tuple[PartScore, ...]:
    """Each part earns weight × figure / target points, at most its weight, to a tenth of a point."""
    parts = []
    for part in scheme.parts.all():
        value = figures.value(part.measure)
        points = (Decimal(part.weight) * min(value / part.target, Decimal(1))).quantize(TENTH, ROUND_HALF_UP)
        parts.append(PartScore(part.name, part.measure, value, part.target, part.weight, points))
    return tuple(parts)


def grade_for(scheme: AssessmentScheme, score: Decimal) -> str:
    """The highest grade whose minimum the score reaches."""
    for grade, minimum in (
        (Grade.EXCELLENT, scheme.excellent_min),
        (Grade.GOOD, scheme.good_min),
        (Grade.PASS, scheme.pass_min),
    ):
        if score >= minimum:
            return str(grade)
    return str(Grade.FAIL)


def scheme_for(year: int) -> AssessmentScheme:
    """The year's scheme with its parts; ValidationError when there is none or its weights are wrong."""
    scheme = AssessmentScheme.objects.filter(year=year).prefetch_related("parts").first()
    if scheme is None:
        raise ValidationError(
            _("There is no assessment scheme for %(year)s: add one under assessment schemes first.") % {"year": year},
            code="no_scheme",
        )
    scheme.check_weights()
    return scheme


def proposals(user: User, year: int, district: District) -> list[Proposal]:
    """Each commissioner's proposed score and grade for `year` in `district` (a few queries in all)."""
    scheme = scheme_for(year)
    commissioners = list(commissioners_in(user, district, year).select_related("talent", "organization"))
    figures = year_figures(Commissioner.objects.filter(pk__in=[c.pk for c in commissioners]), year)
    result = []
    for commissioner in commissioners:
        parts = score_parts(scheme, figures.get(commissioner.pk, Figures()))
        score = sum((part.points for part in parts), Decimal(0))
        result.append(Proposal(commissioner, parts, score, grade_for(scheme, score)))
    return result


# --- Generating and confirming


def may_generate(user: User) -> bool:
    return (
        bool(user.has_perm("registry.add_commissionerassessment"))
        and bool(user.has_perm("registry.change_commissionerassessment"))
        and access.may_edit(user, CommissionerAssessment)
    )


@dataclass
class Generation:
    """What a generation did: assessments written (new or regenerated drafts) and those left alone."""

    written: list[CommissionerAssessment] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why, one message per assessment left alone


def generate(user: User, year: int, district: District, submit: bool = False) -> Generation:
    """Store the proposals of `year` in `district` in the commissioners' assessments (all or nothing)."""
    if not may_generate(user):
        raise PermissionDenied(_("You may not generate annual assessments."))
    found = proposals(user, year, district)
    scheme = scheme_for(year)
    existing = {
        a.commissioner_id: a
        for a in CommissionerAssessment.objects.filter(year=year, commissioner__in=[p.commissioner for p in found])
    }
    outcome = Generation()
    now = timezone.now()
    with transaction.atomic():
        for proposal in found:
            assessment = existing.get(proposal.commissioner.pk) or CommissionerAssessment(
                commissioner=proposal.commissioner, year=year
            )
            if not review.is_editable(assessment):
                outcome.skipped.append(review.edit_refusal(assessment) or str(assessment))
                continue
            assessment.commissioner = proposal.commissioner
            assessment.scheme = scheme
            assessment.score = proposal.score
            assessment.proposed_grade = assessment.grade = proposal.grade
            assessment.override_reason = ""
            assessment.breakdown = [part.as_json() for part in proposal.parts]
            assessment.generated_by = review.stored_user(user)
            assessment.generated_at = now
            assessment.confirmed_by = assessment.confirmed_at = None
            saved_by(assessment, review.stored_user(user), _("Generated from the assessment scheme"))
            assessment.save()
            if submit:
                review.submit(assessment, user)
            outcome.written.append(assessment)
    return outcome


def confirm(assessment: CommissionerAssessment, user: User, grade: str = "", reason: str = "") -> ReviewTransition:
    """Approve a submitted assessment with `grade` (default: its grade as it stands); a grade other than
    the proposed one needs `reason`. Permission, district and four eyes: registry.review."""
    grade = grade or assessment.grade
    if grade not in Grade.values:
        raise ValidationError(_("Unknown grade “%(grade)s”.") % {"grade": grade}, code="grade")
    reason = (reason or "").strip()
    error = override_error(assessment.proposed_grade, grade, reason)
    if error:
        raise ValidationError(error, code="override_reason")
    overridden = bool(assessment.proposed_grade) and grade != assessment.proposed_grade
    changes = {
        "grade": grade,
        "override_reason": reason if overridden else "",
        "confirmed_by": review.stored_user(user),
        "confirmed_at": timezone.now(),
    }
    return review.approve(assessment, user, reason, changes)


def district_assessments(user: User, year: int, district: District) -> models.QuerySet[CommissionerAssessment]:
    """The stored assessments of `year` of the district's commissioners, within the user's scope."""
    check_district(user, district)
    queryset = access.records_in(CommissionerAssessment.objects.filter(year=year), only(district))
    return (
        access.scope_queryset(user, queryset)
        .select_related("commissioner__talent", "commissioner__organization", "confirmed_by")
        .order_by("commissioner__talent__name", "commissioner__organization__name", "pk")
    )


def grade_label(value: str) -> str:
    return str(Grade(value).label) if value in Grade.values else ""


def measure_label(value: str) -> str:
    return str(Measure(value).label) if value in Measure.values else value
