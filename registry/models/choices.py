"""Choices shared by several domains."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Level of a recognition or filing, shared by workstations, agencies and platforms."""

    NATIONAL = "national", _("national")
    REGION = "region", _("autonomous region")
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
