"""Talents (人才): academicians, introduced high-level talents, home-grown experts."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.pinyin import Pinyin, PinyinCharField, SortKeyField
from registry.validators import DateOrder, birth_date_from_id_number, id_number_form, validate_id_number, validate_phone

from .base import CitedModel
from .lookups import DevelopmentZone, Division, TalentTier
from .organizations import Organization
from .review import Reviewed

AGREEMENT_DATES = DateOrder(
    "introduced_on",
    "agreement_ends_on",
    "registry_talent_agreement_dates",
    _("The agreement must not end before the talent was introduced."),
)


# The talent list's filters that are plain columns (TalentAdmin.list_filter), kept in the district
# indexes; SQLite has no such columns in an index (models.W040, silenced in settings).
DISTRICT_FILTER_COLUMNS = [
    "tier",
    "academy",
    "is_retired",
    "introduction_mode",
    "degree",
    "title_level",
    "introduced_on",
]


class Talent(Reviewed, CitedModel):
    """A person the bureau keeps on record. Identity number, phone, e-mail and birth date are
    personal data, shown only to users allowed to see them."""

    NATURAL_KEY = ("name", "employer__name")
    # Namesakes at one employer are common: a talent with an identity number is that number.
    IDENTIFIED_BY = "id_number"
    PERSONAL_FIELDS = ("id_number", "phone", "email", "birth_date")

    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class IdType(models.TextChoices):
        RESIDENT = "resident", _("resident identity card")
        RESIDENCE_PERMIT = "permit", _("Hong Kong, Macao or Taiwan residence permit")
        PERMANENT_RESIDENCE = "pr", _("foreigner permanent residence card")
        PASSPORT = "passport", _("passport")
        OTHER = "other", _("other document")

    # Documents numbered like a resident identity card (GB 11643), checked as one; "" counts as one.
    RESIDENT_ID_TYPES = ("", IdType.RESIDENT, IdType.RESIDENCE_PERMIT, IdType.PERMANENT_RESIDENCE)

    class Degree(models.TextChoices):
        DOCTORATE = "doctorate", _("doctorate")
        MASTER = "master", _("master")
        BACHELOR = "bachelor", _("bachelor")
        ASSOCIATE = "associate", _("associate degree")
        OTHER = "other", _("other")

    class TitleLevel(models.TextChoices):
        FULL_SENIOR = "full_senior", _("full senior")
        DEPUTY_SENIOR = "deputy_senior", _("deputy senior")
        INTERMEDIATE = "intermediate", _("intermediate")
        JUNIOR = "junior", _("junior")

    class Academy(models.TextChoices):
        CAS = "cas", _("Chinese Academy of Sciences")
        CAE = "cae", _("Chinese Academy of Engineering")
        FOREIGN = "foreign", _("foreign academy")

    class IntroductionMode(models.TextChoices):
        FULL_TIME = "full_time", _("full-time introduction")
        FLEXIBLE = "flexible", _("flexible introduction")
        HOME_GROWN = "home_grown", _("home-grown")

    # Indexed on PostgreSQL by (name, id) and trigram indexes (migration 0006), not here.
    name = PinyinCharField(_("full name"), max_length=100)
    name_pinyin = SortKeyField("name")
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_type = models.CharField(_("identity document type"), max_length=20, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("identity document number"), max_length=30, null=True, blank=True, unique=True)
    nationality = models.CharField(_("nationality"), max_length=50, default="中国", blank=True)
    degree = models.CharField(_("degree"), max_length=20, choices=Degree.choices, blank=True)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    title_level = models.CharField(_("title level"), max_length=20, choices=TitleLevel.choices, blank=True)
    employer = models.ForeignKey(
        Organization,
        models.PROTECT,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        related_name="talents",
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    research_fields = models.CharField(_("fields"), max_length=200, blank=True)
    tier = models.ForeignKey(TalentTier, models.PROTECT, verbose_name=_("talent tier"), null=True, blank=True)
    academy = models.CharField(_("academician of"), max_length=20, choices=Academy.choices, blank=True)
    is_retired = models.BooleanField(_("retired"), default=False)
    introduction_mode = models.CharField(
        _("introduction mode"), max_length=20, choices=IntroductionMode.choices, blank=True
    )
    introduced_on = models.DateField(_("introduced on"), null=True, blank=True)
    agreement_ends_on = models.DateField(
        _("agreement ends on"),
        null=True,
        blank=True,
        help_text=_("End of a flexible-introduction agreement; the reminders page warns before it."),
    )
    previous_affiliation = models.CharField(_("previous affiliation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    honours = models.TextField(_("honours"), blank=True)
    # The employer's division and zone, kept here so a district-scoped list is an index range
    # (registry/districts.py keeps them; registry/access.py reads them).
    scope_division = models.ForeignKey(
        Division,
        models.SET_NULL,
        verbose_name=_("division of the employer"),
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        related_name="+",
    )
    scope_zone = models.ForeignKey(
        DevelopmentZone,
        models.SET_NULL,
        verbose_name=_("development zone of the employer"),
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("talent")
        verbose_name_plural = _("talents")
        ordering = [Pinyin("name").asc(), "id"]
        permissions = [("view_personal_data", _("Can view personal data of talents"))]
        constraints = [AGREEMENT_DATES.constraint()]
        indexes = [
            # Exact search by phone in the admin (for users allowed to see personal data).
            models.Index(fields=["phone"], name="registry_talent_phone"),
            # The API's incremental sync pages by (updated_at, id) (registry/api/pagination.py).
            models.Index(fields=["updated_at", "id"], name="registry_talent_updated_id"),
            # A district-scoped list in its default order (name, id): an index range per district;
            # with the list filters' columns kept in the index (PostgreSQL), the exact count of a
            # filtered district list is an index-only scan of the district, not a heap scan.
            models.Index(
                fields=["scope_division", "name", "id"],
                name="registry_talent_division_name",
                include=DISTRICT_FILTER_COLUMNS,
            ),
            # The zone's also holds the division, for a clerk of a division and a zone: the zone's
            # talents outside that division (districts.talent_page_keys), from the index alone.
            models.Index(
                fields=["scope_zone", "name", "id"],
                name="registry_talent_zone_name",
                include=[*DISTRICT_FILTER_COLUMNS, "scope_division"],
            ),
            # The commonest of them, a district's talents of one tier: counted from these alone.
            models.Index(fields=["scope_division", "tier"], name="registry_talent_division_tier"),
            models.Index(fields=["scope_zone", "tier"], name="registry_talent_zone_tier"),
        ]

    def clean(self):
        AGREEMENT_DATES.check(self)
        resident = self.id_type in self.RESIDENT_ID_TYPES
        if self.id_number is not None:
            # One spelling per person (the import matches on it): 1501...123x, spaced or 15-digit numbers.
            self.id_number = (id_number_form(self.id_number) if resident else self.id_number.strip()).upper() or None
        if self.id_number and resident:
            self.id_type = self.id_type or self.IdType.RESIDENT
            try:
                validate_id_number(self.id_number)
            except ValidationError as error:
                raise ValidationError({"id_number": error.messages}) from error
            birth = birth_date_from_id_number(self.id_number)
            if self.birth_date and self.birth_date != birth:
                raise ValidationError(
                    {"birth_date": _("The birth date does not match the identity number (%(date)s).") % {"date": birth}}
                )
            self.birth_date = birth

    def __str__(self):
        return self.name

    @property
    def is_academician(self) -> bool:
        return bool(self.academy)
