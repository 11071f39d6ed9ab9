"""Review states of the records districts submit and the city reviews, and the log of every move.

The rules and the transitions themselves live in registry/review.py; here are only the stored parts:
the `review_status` field every reviewed model gets from `Reviewed`, and `ReviewTransition`, one row
per move (who, when, from, to, opinion).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


# Content may change only in these states; submitted and approved records are read-only for everyone.
EDITABLE_STATES = frozenset({ReviewStatus.DRAFT, ReviewStatus.RETURNED})


class Reviewed(models.Model):
    """Abstract: a record that counts only once the city has approved it.

    The state is not a form field and a save never changes it: only the transitions in
    registry/review.py move it. A save of a submitted or approved record is refused, whatever
    the path (admin form, restored old version, code), so read-only holds even where a screen
    forgets to ask."""

    review_status = models.CharField(
        _("review status"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
        editable=False,
        db_index=True,
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not getattr(self, "_review_transition", False):
            self.review_status = self._stored_review_status()
            if self.review_status not in EDITABLE_STATES:
                raise PermissionDenied(read_only_message(self, self.review_status))
        super().save(*args, **kwargs)

    def _stored_review_status(self) -> str:
        """The state in the database: kept by every save (an old version restored from the history
        does not bring back its old state); a record not stored yet keeps its own (draft), and a
        deleted record restored from its history comes back as a draft."""
        if self.pk is None:
            return self.review_status
        rows = type(self)._default_manager.filter(pk=self.pk)
        if transaction.get_connection().in_atomic_block:
            rows = rows.select_for_update()  # a submission or approval under way finishes first
        stored = rows.values_list("review_status", flat=True).first()
        return ReviewStatus.DRAFT if stored is None else stored


def read_only_message(reviewed, status) -> str:
    """Why the reviewed record (and its parts: a workstation's members) in `status` cannot change now."""
    if status == ReviewStatus.SUBMITTED:
        message = gettext("“%(record)s” is waiting for review and cannot be changed until it is approved or sent back.")
    else:
        message = gettext("“%(record)s” is approved and cannot be changed; a reviewer must reopen it first.")
    return message % {"record": reviewed}


class ReviewTransition(models.Model):
    """One move of a record's review state: submitted, approved, sent back or reopened."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submit for review")
        APPROVE = "approve", _("approve")
        SEND_BACK = "send_back", _("send back")
        REOPEN = "reopen", _("reopen")

    content_type = models.ForeignKey(ContentType, models.CASCADE, verbose_name=_("record type"))
    object_id = models.PositiveBigIntegerField(_("record id"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=ReviewStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ReviewStatus.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, verbose_name=_("user"), null=True, blank=True)
    username = models.CharField(_("user name"), max_length=150, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    opinion = models.TextField(_("opinion"), blank=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="registry_review_step_record")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"
