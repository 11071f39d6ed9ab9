"""The annual assessment of commissioners, commissioner teams and workstations (科技特派员年度考核):
scores proposed from the year's scheme, grades confirmed by a reviewer, and the files (one .docx
form per assessment, one .xlsx list per district).

- `generate` computes, for a year and a district, the figures of each commissioner, team and
  workstation from the APPROVED service records started that year (review.counted) and scores them
  with the year's AssessmentScheme, storing the score, proposed grade and breakdown in the
  CommissionerAssessment of that year naming it (a draft, optionally submitted at once).
  Assessments already submitted or approved are left alone (a reviewer reopens one to regenerate it).
- What is assessed: approved commissioners whose term overlaps the year; approved teams; approved
  workstations filed by the end of the year — each in the district its records belong to
  (registry/access.py: a team by its leader's employer and the divisions it serves, a workstation
  by its host).
- Whose records: a commissioner's own (one grouped query). A team's are those naming the team, and
  those of its commissioners (naming the team), its leader and its members; a workstation's are
  those naming the workstation, those of its commissioners, and those its members gave while they
  belonged to it (joined on / left on). A record counts once for a team or workstation however many
  of its members it names (one query per team and workstation).
- `confirm` is the assessment's approval (review.approve): the reviewer keeps the proposed grade or
  chooses another with a reason; who confirmed and when is stored with the approval. Four eyes,
  permission and district come from registry/review.py: whoever generated and submitted an
  assessment cannot confirm it.
- Who: generating writes assessments, so it needs the add and change permissions on annual
  assessments (data entry, administrators); confirming needs the reviewer's approve permission;
  the files need the export permission. Each within the user's districts (registry/access.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import access, review
from registry.merging import saved_by
from registry.models import (
    AssessmentScheme,
    Commissioner,
    CommissionerAssessment,
    CommissionerTeam,
    DevelopmentZone,
    Division,
    Measure,
    ReviewTransition,
    ServiceRecord,
    Workstation,
    WorkstationMember,
)
from registry.models.commissioners import override_error

Grade = CommissionerAssessment.Grade
District = Division | DevelopmentZone
Assessed = Commissioner | CommissionerTeam | Workstation
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


def in_district(user: User, district: District, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """The approved records of `queryset` in `district`, within the user's scope."""
    check_district(user, district)
    approved = review.counted(queryset, include_submitted=False)
    return access.scope_queryset(user, access.records_in(approved, only(district)))


def commissioners_in(user: User, district: District, year: int) -> models.QuerySet[Commissioner]:
    """The approved commissioners of `district` whose term overlaps `year`, within the user's scope."""
    serving = Q(term_start__isnull=True) | Q(term_start__lte=datetime.date(year, 12, 31))
    serving &= Q(term_end__isnull=True) | Q(term_end__gte=datetime.date(year, 1, 1))
    return in_district(user, district, Commissioner.objects.filter(serving))


def teams_in(user: User, district: District) -> models.QuerySet[CommissionerTeam]:
    """The approved commissioner teams of `district`, within the user's scope."""
    return in_district(user, district, CommissionerTeam.objects.all())


def workstations_in(user: User, district: District, year: int) -> models.QuerySet[Workstation]:
    """The approved workstations of `district` filed by the end of `year` (or without a filing date)."""
    filed = Q(filed_on__isnull=True) | Q(filed_on__lte=datetime.date(year, 12, 31))
    return in_district(user, district, Workstation.objects.filter(filed))


# --- Figures and scores


@dataclass(frozen=True)
class Figures:
    """One commissioner's figures of a year, from the approved service records."""

    values: dict[str, Decimal] = field(default_factory=dict)

    def value(self, measure: str) -> Decimal:
        return self.values.get(measure, Decimal(0))


def year_records(year: int) -> models.QuerySet[ServiceRecord]:
    """The approved service records started in `year`: what the assessment counts."""
    return review.counted(ServiceRecord.objects.filter(started_on__year=year), include_submitted=False)


def figure_sums() -> dict[str, Any]:
    """The sums a group of service records gives its figures from (see `figures_from`)."""
    span = ExpressionWrapper(Coalesce("ended_on", "started_on") - F("started_on"), output_field=DurationField())
    return {
        "records": Count("pk"),
        "span": Sum(span),
        "evaluated": Count("pk", filter=~Q(evaluation="")),
        "satisfied": Count("pk", filter=Q(evaluation__in=SATISFIED)),
        **{str(measure): Sum(str(measure)) for measure in SUMMED},
    }


def figures_from(row: dict[str, Any]) -> Figures:
    """The figures of the sums in `row`. A record spans (end − start + 1) service days, one without
    an end one day; the satisfaction rate counts evaluated records only."""
    values: dict[str, Decimal] = {str(measure): Decimal(row[measure] or 0) for measure in SUMMED}
    values[str(Measure.RECORDS)] = Decimal(row["records"])
    span_days = row["span"].days if row["span"] else 0
    values[str(Measure.SERVICE_DAYS)] = Decimal(span_days + row["records"])
    if row["evaluated"]:
        rate = Decimal(100) * row["satisfied"] / row["evaluated"]
        values[str(Measure.SATISFACTION_RATE)] = rate.quantize(TENTH, ROUND_HALF_UP)
    return Figures(values)


def year_figures(commissioners: models.QuerySet[Commissioner], year: int) -> dict[int, Figures]:
    """Figures per commissioner id for `year`, summed in one grouped query over the approved service
    records started that year."""
    records = year_records(year).filter(commissioner__in=commissioners)
    rows = records.order_by().values("commissioner").annotate(**figure_sums())
    return {row["commissioner"]: figures_from(row) for row in rows}


def team_records(team: CommissionerTeam) -> Q:
    """The service records a team gave: naming it, or given by its commissioners, leader or members."""
    people = Q(commissioner__talent__in=team.members.values("pk"))
    if team.leader_id is not None:
        people |= Q(commissioner__talent=team.leader_id)
    return Q(team=team) | Q(commissioner__team=team) | people


def workstation_records(workstation: Workstation) -> Q:
    """The service records a workstation gave: naming it, given by its commissioners, or by its
    members while they belonged to it (a record started between joining and leaving)."""
    membership = WorkstationMember.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=OuterRef("started_on")),
        Q(left_on__isnull=True) | Q(left_on__gte=OuterRef("started_on")),
        workstation=workstation,
        talent=OuterRef("commissioner__talent"),
    )
    return Q(workstation=workstation) | Q(commissioner__workstation=workstation) | Q(Exists(membership))


def group_figures(given: Q, year: int) -> Figures:
    """The figures of a team or workstation for `year`: each approved record `given` selects counts
    once (a sub-query, so a record of two members is not summed twice)."""
    chosen = ServiceRecord.objects.filter(given).values("pk")
    return figures_from(year_records(year).filter(pk__in=chosen).aggregate(**figure_sums()))


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
    assessed: Assessed
    parts: tuple[PartScore, ...]
    score: Decimal
    grade: str

    @property
    def field(self) -> str:
        """The assessment's field naming what is assessed: commissioner, team or workstation."""
        return assessed_field(self.assessed)


def assessed_field(assessed: Assessed) -> str:
    if isinstance(assessed, CommissionerTeam):
        return "team"
    return "workstation" if isinstance(assessed, Workstation) else "commissioner"


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


def propose(scheme: AssessmentScheme, assessed: Assessed, figures: Figures) -> Proposal:
    parts = score_parts(scheme, figures)
    score = sum((part.points for part in parts), Decimal(0))
    return Proposal(assessed, parts, score, grade_for(scheme, score))


def proposals(user: User, year: int, district: District) -> list[Proposal]:
    """The proposed score and grade for `year` of each commissioner, then each team and workstation,
    in `district` (a few queries for the commissioners, one more per team and workstation)."""
    scheme = scheme_for(year)
    commissioners = list(commissioners_in(user, district, year).select_related("talent", "organization"))
    figures = year_figures(Commissioner.objects.filter(pk__in=[c.pk for c in commissioners]), year)
    result = [propose(scheme, commissioner, figures.get(commissioner.pk, Figures())) for commissioner in commissioners]
    for team in teams_in(user, district):
        result.append(propose(scheme, team, group_figures(team_records(team), year)))
    for workstation in workstations_in(user, district, year):
        result.append(propose(scheme, workstation, group_figures(workstation_records(workstation), year)))
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
    existing = existing_assessments(year, found)
    outcome = Generation()
    now = timezone.now()
    with transaction.atomic():
        for proposal in found:
            assessment = existing.get((proposal.field, proposal.assessed.pk)) or CommissionerAssessment(
                year=year, **{proposal.field: proposal.assessed}
            )
            if not review.is_editable(assessment):
                outcome.skipped.append(review.edit_refusal(assessment) or str(assessment))
                continue
            setattr(assessment, proposal.field, proposal.assessed)
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


def existing_assessments(year: int, found: list[Proposal]) -> dict[tuple[str, int], CommissionerAssessment]:
    """The stored assessments of `year` of what `found` proposes, by (field, id) of what they assess."""
    chosen = Q()
    for name in CommissionerAssessment.ASSESSED_FIELDS:
        chosen |= Q(**{f"{name}__in": [p.assessed.pk for p in found if p.field == name]})
    stored = CommissionerAssessment.objects.filter(chosen, year=year)
    return {
        (name, getattr(a, f"{name}_id")): a
        for a in stored
        for name in CommissionerAssessment.ASSESSED_FIELDS
        if getattr(a, f"{name}_id")
    }


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
    """The stored assessments of `year` of the district's commissioners, teams and workstations, within
    the user's scope."""
    check_district(user, district)
    queryset = access.records_in(CommissionerAssessment.objects.filter(year=year), only(district))
    names = ("commissioner__talent__name", "commissioner__organization__name", "team__name", "workstation__name")
    return (
        access.scope_queryset(user, queryset)
        .select_related(
            "commissioner__talent",
            "commissioner__organization",
            "commissioner__dispatching_unit",
            "team__leader",
            "workstation__host",
            "confirmed_by",
        )
        # Commissioners (people, then units), then teams, then workstations, each by name.
        .order_by(*(F(name).asc(nulls_last=True) for name in names), "pk")
    )


def grade_label(value: str) -> str:
    return str(Grade(value).label) if value in Grade.values else ""


def measure_label(value: str) -> str:
    return str(Measure(value).label) if value in Measure.values else value
