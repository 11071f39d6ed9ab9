"""Sending the reminders (send_reminders): each reminder once per threshold per recipient, by e-mail
and as a notice on the admin index.

The thresholds and recipients are the ReminderRules set in the admin. A reminder `days_left` days
from its due date has reached every rule of its kind with `lead_days >= days_left`; the tightest of
them (the fewest days) is the one that sends, to active staff in the rule's roles who may see the
record (registry/access.py; with `district_staff_only`, scoped staff only). A SentReminder row per
recipient is claimed before the mail goes (its unique constraint makes a second run, or a parallel
one, send nothing twice) and given back when the mail fails, so the next run tries again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from registry import access
from registry.models import ReminderRule, SentReminder
from registry.reminders import OVERDUE_DAYS, Reminder, reminders, visible_sources

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class Delivery:
    """What one recipient is told in one run: reminders with the threshold (lead days) each reached."""

    user: User
    items: list[tuple[Reminder, int]] = field(default_factory=list)


@dataclass
class Outcome:
    sent: int = 0  # reminders newly told (notice, and mail where the user has an address)
    mailed: int = 0  # e-mails sent
    without_address: int = 0  # recipients told by notice only
    failures: list[str] = field(default_factory=list)


def reached_rule(rules: list[ReminderRule], reminder: Reminder) -> ReminderRule | None:
    """The tightest rule of the reminder's kind whose lead time has come."""
    due = [rule for rule in rules if rule.kind == reminder.kind and reminder.days_left <= rule.lead_days]
    return min(due, key=lambda rule: rule.lead_days, default=None)


def rule_recipients(rule: ReminderRule) -> list[User]:
    users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__in=rule.groups.all())
    return list(users.distinct().order_by("pk"))


def receives(user: User, rule: ReminderRule, reminder: Reminder) -> bool:
    if rule.district_staff_only and not access.is_scoped(user):
        return False
    permission = next(source.permission for source in visible_sources(None) if source.kind == reminder.kind)
    return user.has_perm(permission) and access.in_scope(user, reminder.record)


def plan(day: datetime.date) -> list[Delivery]:
    """Who would be told what on `day`: the reminders at a reached threshold not yet sent to them."""
    rules = list(ReminderRule.objects.filter(is_active=True).prefetch_related("groups"))
    recipients = {rule.pk: rule_recipients(rule) for rule in rules}
    sent = set(
        SentReminder.objects.filter(due_on__gte=day - datetime.timedelta(days=OVERDUE_DAYS)).values_list(
            "user_id", "kind", "record_type", "record_id", "due_on", "lead_days"
        )
    )
    deliveries: dict[int, Delivery] = {}
    for reminder in reminders(None, day):
        rule = reached_rule(rules, reminder)
        if rule is None:
            continue
        for user in recipients[rule.pk]:
            if (user.pk, *reminder.key, rule.lead_days) in sent or not receives(user, rule, reminder):
                continue
            deliveries.setdefault(user.pk, Delivery(user)).items.append((reminder, rule.lead_days))
    return list(deliveries.values())


def send(deliveries: list[Delivery]) -> Outcome:
    outcome = Outcome()
    for delivery in deliveries:
        claimed = claim(delivery)
        if not claimed:
            continue
        address = getattr(delivery.user, "email", "")
        if not address:
            outcome.sent += len(claimed)
            outcome.without_address += 1
            continue
        try:
            send_mail(
                mail_subject(len(claimed)),
                mail_body([item for item in delivery.items if item in claimed]),
                settings.DEFAULT_FROM_EMAIL,
                [address],
            )
        except Exception as error:  # noqa: BLE001 - any mail failure: give the rows back, report, go on
            SentReminder.objects.filter(pk__in=[row.pk for row in claimed.values()]).delete()
            outcome.failures.append(f"{delivery.user}: {error}")
            continue
        SentReminder.objects.filter(pk__in=[row.pk for row in claimed.values()]).update(emailed=True)
        outcome.sent += len(claimed)
        outcome.mailed += 1
    return outcome


def claim(delivery: Delivery) -> dict[tuple[Reminder, int], SentReminder]:
    """The log rows of this delivery's reminders, created now; a row another run made first is skipped."""
    claimed = {}
    for reminder, lead_days in delivery.items:
        kind, record_type, record_id, due_on = reminder.key
        try:
            with transaction.atomic():
                claimed[(reminder, lead_days)] = SentReminder.objects.create(
                    user=delivery.user,
                    kind=kind,
                    record_type=record_type,
                    record_id=record_id,
                    due_on=due_on,
                    lead_days=lead_days,
                )
        except IntegrityError:
            continue
    return claimed


def mail_subject(count: int) -> str:
    return gettext("Registry reminders: %(count)s due") % {"count": count}


def mail_body(items: list[tuple[Reminder, int]]) -> str:
    base = settings.REMINDER_SITE_URL.rstrip("/")
    lines = [gettext("These records of the registry are due:"), ""]
    for reminder, _lead_days in items:
        lines += [reminder.line(), f"  {base}{reminder.url}"]
    return "\n".join(lines) + "\n"


def notices(user: User, day: datetime.date) -> list[Reminder]:
    """The reminders sent to `user` that still stand on `day` (shown on the admin index)."""
    rows = SentReminder.objects.filter(user=user, due_on__gte=day - datetime.timedelta(days=OVERDUE_DAYS))
    keys = {tuple(row) for row in rows.values_list("kind", "record_type", "record_id", "due_on")}
    if not keys:
        return []
    return [reminder for reminder in reminders(user, day) if reminder.key in keys]


def summary(outcome: Outcome, deliveries: list[Delivery], dry_run: bool) -> str:
    """The command's last line, in Chinese, for cron's mail."""
    if dry_run:
        count = sum(len(delivery.items) for delivery in deliveries)
        return gettext("Dry run: %(count)s reminders to %(people)s recipients would be sent; nothing was sent.") % {
            "count": count,
            "people": len(deliveries),
        }
    return gettext(
        "Reminders: %(sent)s sent, %(mailed)s e-mails, %(notice)s recipients without an address (notice only), "
        "%(failed)s failures."
    ) % {
        "sent": outcome.sent,
        "mailed": outcome.mailed,
        "notice": outcome.without_address,
        "failed": len(outcome.failures),
    }


def by_recipient(deliveries: list[Delivery]) -> dict[str, list[str]]:
    """The dry run's listing: each recipient and the lines they would get."""
    listing: dict[str, list[str]] = defaultdict(list)
    for delivery in deliveries:
        for reminder, lead_days in delivery.items:
            listing[str(delivery.user)].append(f"{reminder.line()} [{lead_days}]")
    return listing
