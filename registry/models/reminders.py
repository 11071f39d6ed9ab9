"""The reminders' settings and log: who is told how many days before a due date, and what was sent.

The reminders themselves are computed from the records' dates (registry/reminders.py); here are
only the stored parts: `ReminderRule`, set by administrators, and `SentReminder`, one row per
reminder, threshold and recipient, which is also the notice shown on the admin index.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    QUALIFICATION_EXPIRING = "qualification", _("qualification expiring")
    ANNUAL_REPORT = "annual_report", _("yearly report not filed")
    REGISTRATION = "registration", _("not registered for the year")
    COMMISSIONER_TERM = "commissioner_term", _("commissioner term ending")
    AGREEMENT = "agreement", _("flexible-introduction agreement ending")


class ReminderRule(models.Model):
    """Who hears of one kind of reminder, and how many days before the due date (0: on the due date
    and after). Several rules of a kind give several thresholds (90, 30, 0 days)."""

    kind = models.CharField(_("reminder kind"), max_length=30, choices=ReminderKind.choices)
    lead_days = models.PositiveSmallIntegerField(
        _("days before the due date"), help_text=_("0 sends the reminder on the due date or, if missed, after it.")
    )
    groups = models.ManyToManyField(
        Group, verbose_name=_("recipient roles"), blank=True, help_text=_("Active staff in these roles are told.")
    )
    district_staff_only = models.BooleanField(
        _("district staff only"),
        default=True,
        help_text=_("Only staff whose district scope includes the record; city-wide staff are not told."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["kind", "-lead_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "lead_days"],
                name="registry_reminder_rule_unique",
                violation_error_message=_("There is already a rule for this kind and number of days."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.lead_days}"


class SentReminder(models.Model):
    """A reminder told to one user at one threshold: sent once (the unique constraint), shown on the
    admin index while the reminder still stands (a renewed record's due date changes, and the row no
    longer matches)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, verbose_name=_("recipient"))
    kind = models.CharField(_("reminder kind"), max_length=30, choices=ReminderKind.choices)
    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.PositiveBigIntegerField(_("record id"))
    due_on = models.DateField(_("due on"))
    lead_days = models.PositiveSmallIntegerField(_("days before the due date"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "record_type", "record_id", "due_on", "lead_days"],
                name="registry_sent_reminder_once",
                violation_error_message=_("This reminder was already sent to this user."),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.due_on}"
