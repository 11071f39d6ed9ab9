"""District scope of a staff member: the divisions and development zones whose records they keep."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .lookups import DevelopmentZone, Division


class StaffScope(models.Model):
    """Limits a user to the records of some divisions (旗县区) and/or development zones.

    A user without a scope, or with an empty one, is unscoped and sees every record."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, verbose_name=_("user"), related_name="registry_scope"
    )
    divisions = models.ManyToManyField(Division, verbose_name=_("divisions"), blank=True)
    zones = models.ManyToManyField(DevelopmentZone, verbose_name=_("development zones"), blank=True)

    class Meta:
        verbose_name = _("district scope")
        verbose_name_plural = _("district scopes")

    def __str__(self):
        return str(self.user)
