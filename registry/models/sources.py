"""Where facts come from: published sources and short citations of them."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .base import RegistryModel


class Source(RegistryModel):
    """A publication the registry takes facts from, such as a newspaper article."""

    NATURAL_KEY = ("key",)

    key = models.SlugField(_("key"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    publication = models.CharField(_("publication"), max_length=100, blank=True)
    author = models.CharField(_("author"), max_length=100, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    url = models.URLField(_("address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["key"]

    def __str__(self):
        return self.title


class Citation(RegistryModel):
    """A short excerpt of a source (at most about 40 characters) holding a fact, and where it is."""

    NATURAL_KEY = ("source__key", "excerpt")

    source = models.ForeignKey(Source, models.PROTECT, verbose_name=_("source"))
    excerpt = models.CharField(_("excerpt"), max_length=80)
    location = models.CharField(_("location in source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["source", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "excerpt"],
                name="registry_citation_unique_excerpt",
                violation_error_message=_("This source already has a citation with this excerpt."),
            )
        ]

    def __str__(self):
        # Excerpt first so a record's citations differ at a glance; the source by its title, not its key.
        return gettext("“%(excerpt)s” — %(source)s") % {"excerpt": self.excerpt, "source": self.source.title}
