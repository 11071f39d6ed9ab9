"""Report snapshots: the statistical reports computed by a background task and kept, so the reports
page reads one row instead of counting a million records in the request (registry/reports/snapshots.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportSnapshot(models.Model):
    """The report tables as one audience sees them (the same districts and the same visible record
    types), for one period, counting basis and language, as of `computed_at`."""

    audience = models.CharField(_("audience"), max_length=64)
    # What the audience may see, so the task recomputes the tables without a user: {"divisions": [...],
    # "zones": [...]} or null for everything, and the view permissions of the report's record types.
    audience_scope = models.JSONField(_("audience districts"), null=True, blank=True)
    audience_permissions = models.JSONField(_("audience permissions"), default=list)
    period = models.PositiveSmallIntegerField(_("year"), default=0, help_text=_("0 for all years."))
    include_submitted = models.BooleanField(_("including submitted records"), default=False)
    language = models.CharField(_("language"), max_length=10)
    tables = models.JSONField(_("tables"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    seconds = models.FloatField(_("computing time (s)"), null=True, blank=True)
    # The newest review step counted: a later approval makes the snapshot out of date.
    last_review_step = models.BigIntegerField(_("last review step counted"), default=0)
    refresh_requested_at = models.DateTimeField(_("refresh requested at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["audience", "period", "include_submitted", "language"],
                name="registry_report_snapshot_once",
                violation_error_message=_("This report snapshot exists already."),
            )
        ]

    def __str__(self):
        return f"{self.audience[:8]} {self.period or '-'} {self.language}"
