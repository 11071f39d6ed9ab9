"""District scope of a staff member: the divisions and development zones whose records they keep."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .lookups import DevelopmentZone, Division


class StaffScope(models.Model):
    """Limits a user to the records of some divisions (旗县区) and/or development zones.

    A user without a scope is city-wide and sees every record. A scope naming no division and no
    zone (all removed, or the districts deleted) sees no record at all: it fails closed. Delete the
    scope itself to make a user city-wide."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, verbose_name=_("user"), related_name="registry_scope"
    )
    divisions = models.ManyToManyField(
        Division, verbose_name=_("divisions"), blank=True, help_text=_("The user sees the records of these divisions.")
    )
    zones = models.ManyToManyField(
        DevelopmentZone,
        verbose_name=_("development zones"),
        blank=True,
        help_text=_(
            "…and of these development zones. A scope with no division and no zone shows no record at all; "
            "delete the scope to make the user city-wide."
        ),
    )

    class Meta:
        verbose_name = _("district scope")
        verbose_name_plural = _("district scopes")

    def __str__(self):
        return str(self.user)
