"""Reminders of due dates (到期提醒), computed from the records' dates on a day — never stored.

Five kinds, each from its query (`SOURCES`; the reports' from two, then a loop over the years):
- 资质到期: the newest qualification of an organization and kind (not 科小) whose end of validity
  comes within `HORIZON_DAYS` or passed (validity.py's 即将到期 and 已过期); a renewal — a newer one
  of the same kind — takes its place and the old one's reminder is gone.
- 年报未报: each year a qualification that files a yearly report (高企) is in force on 31 December
  needs its report by 31 May of the next year; a year's reminder starts HORIZON_DAYS before that
  deadline and stays, overdue, until the report is filed — for as long as the qualification is
  held and up to OVERDUE_DAYS after it ends (expiry or revocation).
- 未入库: the newest registration of a calendar-year kind (科小) ending on 31 December, until the
  organization registers for the new year.
- 特派员任期届满: serving commissioners whose term ends; 柔性引进协议到期: flexibly introduced
  talents whose agreement ends.
Other reminders stay `OVERDUE_DAYS` after their due date at most.

Only records that count remind (`vouched`): approved ones, and submitted ones — a district has vouched
for those and they are read-only while they wait, so their dates are the ones the bureau will hold.
Drafts and returned records are not yet vouched for: no reminder about a qualification, commissioner
or talent still being entered or sent back for correction, and a draft renewal does not clear the
reminder of the record it would replace until it is submitted. Yearly reports have no review state:
a report with its filing date counts as filed. The page, its xlsx file, the index notice
and `send_reminders` all ask `reminders()`; the district scope comes from registry/access.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry import access, review, validity
from registry.access import Districts, Viewer
from registry.models import AnnualReport, Commissioner, Organization, Qualification, ReminderKind, Talent
from registry.models.organizations import report_due_on

HORIZON_DAYS = validity.EXPIRING_DAYS
OVERDUE_DAYS = 365
SOON_DAYS = 30

Scope = Callable[[QuerySet[Any]], QuerySet[Any]]


class Due(models.TextChoices):
    """The page's due-date filter (and each row's bucket)."""

    OVERDUE = "overdue", _("overdue")
    SOON = "30", _("due within 30 days")
    LATER = "90", _("due within 90 days")


@dataclass(frozen=True)
class Reminder:
    """One due date of one record on one day."""

    kind: ReminderKind
    record: models.Model
    organization: Organization | None
    due_on: datetime.date
    day: datetime.date
    detail: str = ""

    @property
    def key(self) -> tuple[str, str, int, datetime.date]:
        """What the sent-log row of this reminder matches (a renewed record changes its due date)."""
        return (self.kind.value, self.record._meta.label_lower, self.record.pk, self.due_on)

    @property
    def days_left(self) -> int:
        return (self.due_on - self.day).days

    @property
    def due(self) -> Due:
        if self.days_left < 0:
            return Due.OVERDUE
        return Due.SOON if self.days_left <= SOON_DAYS else Due.LATER

    @property
    def when(self) -> str:
        """还有 12 天 / 今天到期 / 已逾期 3 天."""
        if self.days_left > 0:
            return gettext("%(days)s days left") % {"days": self.days_left}
        if self.days_left == 0:
            return gettext("due today")
        return gettext("%(days)s days overdue") % {"days": -self.days_left}

    @property
    def subject(self) -> str:
        return str(self.record)

    @property
    def district(self) -> str:
        organization = self.organization
        if organization is None:
            return ""
        return "、".join(str(place) for place in (organization.division, organization.zone) if place)

    @property
    def url(self) -> str:
        opts = self.record._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.record.pk])

    def line(self) -> str:
        """The reminder in one line of text (mail, command output)."""
        label = ReminderKind(self.kind).label
        parts = [f"【{label}】{self.subject}", self.detail, f"{self.due_on:%Y-%m-%d}（{self.when}）"]
        return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class Source:
    """A kind of reminder: the model it is about and how its reminders are found on a day."""

    kind: ReminderKind
    model: type[models.Model]
    find: Callable[[datetime.date, Scope], Iterable[Reminder]]

    @property
    def permission(self) -> str:
        return f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"


def in_window(field: str, day: datetime.date) -> Q:
    """Due dates (in `field`) within HORIZON_DAYS ahead or at most OVERDUE_DAYS ago."""
    return Q(
        **{
            f"{field}__gte": day - datetime.timedelta(days=OVERDUE_DAYS),
            f"{field}__lte": day + datetime.timedelta(days=HORIZON_DAYS),
        }
    )


def vouched(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The records that remind: approved and submitted ones (drafts and returned records do not)."""
    return review.counted(queryset, include_submitted=True)


def not_revoked(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}revoked_on__isnull": True}) | Q(**{f"{prefix}revoked_on__gt": day})


def newest_qualifications(day: datetime.date, calendar_year: bool) -> QuerySet[Qualification]:
    """Qualifications ending in the window that no later one of the same organization and kind replaces."""
    renewal = vouched(Qualification.objects.all()).filter(
        not_revoked(day),
        organization=OuterRef("organization"),
        kind=OuterRef("kind"),
        valid_until__gt=OuterRef("valid_until"),
    )
    states = validity.conditions(day)
    return (
        vouched(Qualification.objects.all())
        .filter(states[validity.State.EXPIRING] | states[validity.State.EXPIRED])
        .filter(in_window("valid_until", day), kind__valid_for_calendar_year=calendar_year)
        .exclude(Exists(renewal))
        .select_related("organization__division", "organization__zone", "kind")
    )


def expiring_qualifications(day: datetime.date, scope: Scope) -> Iterator[Reminder]:
    for qualification in scope(newest_qualifications(day, calendar_year=False)):
        yield Reminder(
            ReminderKind.QUALIFICATION_EXPIRING,
            qualification,
            qualification.organization,
            qualification.valid_until,
            day,
        )


def unregistered(day: datetime.date, scope: Scope) -> Iterator[Reminder]:
    for qualification in scope(newest_qualifications(day, calendar_year=True)):
        detail = gettext("registration for %(year)s") % {"year": qualification.valid_until.year + 1}
        yield Reminder(
            ReminderKind.REGISTRATION, qualification, qualification.organization, qualification.valid_until, day, detail
        )


def report_years(qualification: Qualification, day: datetime.date) -> range:
    """The years `qualification` reports on whose deadline has come within HORIZON_DAYS of `day`: each
    year it is in force on 31 December (issued by then, valid through it, not revoked by then). Without
    an issue date the years start `validity_years` before its end, or at the last one due."""
    last_due = report_due_on(day.year - 1)
    newest = day.year - 1 if (last_due - day).days <= HORIZON_DAYS else day.year - 2
    until, revoked = qualification.valid_until, qualification.revoked_on
    if until is not None:
        newest = min(newest, until.year if (until.month, until.day) == (12, 31) else until.year - 1)
    if revoked is not None:
        newest = min(newest, revoked.year - 1)
    if qualification.issued_on is not None:
        first = qualification.issued_on.year
    elif until is not None and qualification.kind.validity_years:
        first = until.year - qualification.kind.validity_years
    else:
        first = newest
    return range(first, newest + 1)


def unfiled_reports(day: datetime.date, scope: Scope) -> Iterator[Reminder]:
    """Every year's report not filed of a qualification held within the last OVERDUE_DAYS, oldest first;
    a report filed under a renewal (the same organization and kind) counts for the year too."""
    ended_long_ago = day - datetime.timedelta(days=OVERDUE_DAYS)
    holding = (
        vouched(Qualification.objects.filter(kind__annual_report=True))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=ended_long_ago))
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gte=ended_long_ago))
        .select_related("organization__division", "organization__zone", "kind")
        .order_by("organization", "kind", F("issued_on").desc(nulls_last=True), "-pk")
    )
    qualifications = list(scope(holding))
    filed = set(
        AnnualReport.objects.filter(
            qualification__organization__in={q.organization_id for q in qualifications},
            filed_on__isnull=False,
        ).values_list("qualification__organization", "qualification__kind", "year")
    )
    for qualification in qualifications:
        for year in report_years(qualification, day):
            owed = (qualification.organization_id, qualification.kind_id, year)
            if owed in filed:
                continue
            filed.add(owed)  # one reminder per organization, kind and year (the newest qualification)
            detail = gettext("yearly report on %(year)s") % {"year": year}
            organization = qualification.organization
            yield Reminder(ReminderKind.ANNUAL_REPORT, qualification, organization, report_due_on(year), day, detail)


def ending_terms(day: datetime.date, scope: Scope) -> Iterator[Reminder]:
    serving = vouched(Commissioner.objects.all()).filter(in_window("term_end", day), status=Commissioner.Status.ACTIVE)
    serving = serving.select_related(
        "talent__employer__division", "talent__employer__zone", "organization__division", "organization__zone"
    )
    for commissioner in scope(serving):
        organization = commissioner.talent.employer if commissioner.talent else commissioner.organization
        assert commissioner.term_end is not None  # noqa: S101 - the window excludes empty dates
        yield Reminder(ReminderKind.COMMISSIONER_TERM, commissioner, organization, commissioner.term_end, day)


def ending_agreements(day: datetime.date, scope: Scope) -> Iterator[Reminder]:
    flexible = vouched(Talent.objects.all()).filter(
        in_window("agreement_ends_on", day), introduction_mode=Talent.IntroductionMode.FLEXIBLE
    )
    for talent in scope(flexible.select_related("employer__division", "employer__zone")):
        assert talent.agreement_ends_on is not None  # noqa: S101 - as above
        yield Reminder(ReminderKind.AGREEMENT, talent, talent.employer, talent.agreement_ends_on, day)


SOURCES = (
    Source(ReminderKind.QUALIFICATION_EXPIRING, Qualification, expiring_qualifications),
    Source(ReminderKind.ANNUAL_REPORT, Qualification, unfiled_reports),
    Source(ReminderKind.REGISTRATION, Qualification, unregistered),
    Source(ReminderKind.COMMISSIONER_TERM, Commissioner, ending_terms),
    Source(ReminderKind.AGREEMENT, Talent, ending_agreements),
)


@dataclass(frozen=True)
class Filters:
    """The page's choices: a kind, a district (division or zone id), a due-date bucket."""

    kind: str = ""
    division: int | None = None
    zone: int | None = None
    due: str = ""


def reminders(viewer: Viewer | None, day: datetime.date, filters: Filters = Filters()) -> list[Reminder]:
    """The reminders on `day` of the records `viewer` may see (all of them for None: the command),
    filtered, soonest due first."""

    def scope(queryset: QuerySet[Any]) -> QuerySet[Any]:
        if viewer is not None:
            queryset = access.scope_queryset(viewer, queryset)
        if filters.division or filters.zone:
            chosen = Districts(frozenset(filter(None, [filters.division])), frozenset(filter(None, [filters.zone])))
            queryset = access.records_in(queryset, chosen)
        return queryset

    found: list[Reminder] = []
    for source in visible_sources(viewer):
        if filters.kind in ("", source.kind):
            found += source.find(day, scope)
    if filters.due:
        found = [reminder for reminder in found if matches_due(reminder, filters.due)]
    return sorted(found, key=lambda r: (r.due_on, r.kind, r.subject))


def visible_sources(viewer: Viewer | None) -> list[Source]:
    return [source for source in SOURCES if viewer is None or viewer.has_perm(source.permission)]


def matches_due(reminder: Reminder, due: str) -> bool:
    """Overdue; due within 30 days (from today); due within 90 days (from today, so 30 included)."""
    if due == Due.OVERDUE:
        return reminder.days_left < 0
    limit = SOON_DAYS if due == Due.SOON else HORIZON_DAYS
    return 0 <= reminder.days_left <= limit
