"""Technology transfer: agencies, training bases, brokers, contracts, subsidies and policies."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registry.numbers import AmountField
from registry.pinyin import Pinyin, PinyinCharField, SortKeyField
from registry.validators import DateOrder

from .base import CitedModel
from .choices import Level
from .lookups import ContractType, DevelopmentZone, Division
from .organizations import Organization
from .review import Reviewed
from .talents import Talent

AMOUNT: dict[str, Any] = dict(max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])


class Policy(CitedModel):
    """A policy document, strategy, programme, plan, mechanism, mode, service window or subsidy scheme:
    title, kind, document number, issuer, date, funding ceiling."""

    NATURAL_KEY = ("title",)

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("policy document")
        STRATEGY = "strategy", _("strategy")
        PROGRAMME = "programme", _("action or programme")
        PLAN = "plan", _("plan")
        MECHANISM = "mechanism", _("mechanism")
        MODE = "mode", _("mode")
        SERVICE_PLATFORM = "service_platform", _("service window or platform")
        SUBSIDY = "subsidy", _("subsidy scheme")
        OTHER = "other", _("other")

    title = PinyinCharField(_("title"), max_length=300, unique=True)
    title_pinyin = SortKeyField("title")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DOCUMENT)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issuer = models.ForeignKey(
        Organization, models.PROTECT, verbose_name=_("issuer"), null=True, blank=True, related_name="policies"
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    max_funding = AmountField(
        _("maximum funding (yuan)"), wan_label=_("maximum funding (10k yuan)"), null=True, blank=True, **AMOUNT
    )

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-issued_on", Pinyin("title").asc()]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_funding__isnull=True) | models.Q(max_funding__gte=0),
                name="registry_policy_funding_not_negative",
                violation_error_message=_("The maximum funding must not be negative."),
            )
        ]

    def __str__(self):
        return self.title


class Recognition(CitedModel):
    """An organization recognised in a role at a level on a date (agency, training base)."""

    NATURAL_KEY = ("organization__name",)
    organization: Organization  # each concrete subclass declares its own one-to-one field

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = [Pinyin("organization__name").asc()]

    def __str__(self):
        return str(self.organization)


class TransferAgency(Recognition):
    """A recognised technology-transfer service agency (技术转移服务机构)."""

    organization = models.OneToOneField(
        Organization, models.PROTECT, verbose_name=_("organization"), related_name="transfer_agency"
    )

    class Meta(Recognition.Meta):
        verbose_name = _("technology-transfer agency")
        verbose_name_plural = _("technology-transfer agencies")


class TrainingBase(Recognition):
    """A recognised training base for technology-transfer professionals (技术转移人才培养基地)."""

    organization = models.OneToOneField(
        Organization, models.PROTECT, verbose_name=_("organization"), related_name="training_base"
    )

    class Meta(Recognition.Meta):
        verbose_name = _("technology-transfer training base")
        verbose_name_plural = _("technology-transfer training bases")


class TechnologyBroker(CitedModel):
    """A technology broker or manager (技术经纪人) with a certificate of a level."""

    NATURAL_KEY = ("talent__name", "talent__employer__name")

    class BrokerLevel(models.TextChoices):
        JUNIOR = "junior", _("junior")
        INTERMEDIATE = "intermediate", _("intermediate")
        SENIOR = "senior", _("senior")

    talent = models.OneToOneField(Talent, models.PROTECT, verbose_name=_("talent"), related_name="broker")
    agency = models.ForeignKey(
        TransferAgency, models.PROTECT, verbose_name=_("agency"), null=True, blank=True, related_name="brokers"
    )
    level = models.CharField(_("level"), max_length=20, choices=BrokerLevel.choices, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    certificate_issuer = models.ForeignKey(
        Organization,
        models.PROTECT,
        verbose_name=_("certificate issuer"),
        null=True,
        blank=True,
        related_name="broker_certificates",
    )
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    training_base = models.ForeignKey(
        TrainingBase, models.PROTECT, verbose_name=_("training base"), null=True, blank=True, related_name="brokers"
    )

    class Meta:
        verbose_name = _("technology broker")
        verbose_name_plural = _("technology brokers")
        ordering = [Pinyin("talent__name").asc()]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_issuer", "certificate_number"],
                condition=~models.Q(certificate_number=""),
                name="registry_broker_unique_certificate",
                violation_error_message=_("Another broker already has this certificate number from this issuer."),
            )
        ]

    def __str__(self):
        return str(self.talent)


CONTRACT_REGISTRATION = DateOrder(
    "signed_on",
    "registered_on",
    "registry_contract_registered_after_signing",
    _("A contract cannot be registered before it is signed."),
)


class RegistrationStatus(models.TextChoices):
    """Where a contract stands in 技术合同认定登记 (registry/registration.py moves it)."""

    PENDING = "pending", _("awaiting registration")
    REGISTERED = "registered", pgettext_lazy("registration status", "registered")
    REFUSED = "refused", _("registration refused")
    CHANGED = "changed", _("registration changed")
    CANCELLED = "cancelled", _("registration cancelled")


class TechContract(Reviewed, CitedModel):
    """A technology contract (技术合同), registered with a registrar.

    The registration fields (number, date, registrar) and `registration_status` are written by
    registry/registration.py only: read-only on the form, and in imports only for registrars."""

    NATURAL_KEY = ("title", "signed_on")
    IDENTIFIED_BY = "registration_number"
    REGISTRATION_FIELDS = ("registration_number", "registered_on", "registrar")
    # What a registration step changes: its history rows are no edits for four eyes (review.authors),
    # and a history revert leaves them alone.
    WORKFLOW_FIELDS = ("registration_status", *REGISTRATION_FIELDS)

    registration_number = models.CharField(_("registration number"), max_length=30, null=True, blank=True, unique=True)
    title = models.CharField(_("title"), max_length=300)
    contract_type = models.ForeignKey(ContractType, models.PROTECT, verbose_name=_("contract type"))
    buyers = models.ManyToManyField(Organization, verbose_name=_("buyers"), related_name="contracts_bought", blank=True)
    sellers = models.ManyToManyField(Organization, verbose_name=_("sellers"), related_name="contracts_sold", blank=True)
    brokers = models.ManyToManyField(TechnologyBroker, verbose_name=_("brokers"), related_name="contracts", blank=True)
    contract_amount = AmountField(
        _("contract amount (yuan)"), wan_label=_("contract amount (10k yuan)"), null=True, blank=True, **AMOUNT
    )
    transaction_amount = AmountField(
        _("technology transaction amount (yuan)"),
        wan_label=_("technology transaction amount (10k yuan)"),
        null=True,
        blank=True,
        **AMOUNT,
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    registrar = models.ForeignKey(
        Organization,
        models.PROTECT,
        verbose_name=_("registrar"),
        null=True,
        blank=True,
        related_name="contracts_registered",
    )
    registration_status = models.CharField(
        _("registration status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
        editable=False,
        db_index=True,
    )

    class Meta:
        verbose_name = _("technology contract")
        verbose_name_plural = _("technology contracts")
        ordering = ["-signed_on", "-id"]
        permissions = [("register_techcontract", "Can register technology contracts")]
        # The API's incremental sync pages by (updated_at, id) (registry/api/pagination.py).
        indexes = [models.Index(fields=["updated_at", "id"], name="registry_contract_updated_id")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contract_amount__isnull=True) | models.Q(contract_amount__gte=0),
                name="registry_contract_amount_not_negative",
                violation_error_message=_("The contract amount must not be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(transaction_amount__isnull=True) | models.Q(transaction_amount__gte=0),
                name="registry_transaction_amount_not_negative",
                violation_error_message=_("The technology transaction amount must not be negative."),
            ),
            CONTRACT_REGISTRATION.constraint(),
        ]

    def clean(self):
        CONTRACT_REGISTRATION.check(self)
        if (
            self.contract_amount is not None
            and self.transaction_amount is not None
            and self.transaction_amount > self.contract_amount
        ):
            raise ValidationError(
                {"transaction_amount": _("The technology transaction amount cannot exceed the contract amount.")}
            )

    def __str__(self):
        return self.title

    @property
    def needs_expert_review(self) -> bool:
        """Whether the technology transaction amount reaches CONTRACT_EXPERT_REVIEW_THRESHOLD (万元)."""
        threshold = settings.CONTRACT_EXPERT_REVIEW_THRESHOLD * 10_000
        return self.transaction_amount is not None and self.transaction_amount >= threshold


class ContractRegistration(models.Model):
    """One step of a contract's registration: registered, refused, changed or cancelled, with the
    registration it recorded (a change keeps the earlier one here) and who did it when."""

    class Action(models.TextChoices):
        REGISTER = "register", _("register")
        REFUSE = "refuse", _("refuse registration")
        CHANGE = "change", _("change registration")
        CANCEL = "cancel", _("cancel registration")
        IMPORT = "import", _("registration imported")

    # A registered contract is an official record: it is not deleted while its registration is kept.
    contract = models.ForeignKey(
        TechContract, models.PROTECT, verbose_name=_("technology contract"), related_name="registration_steps"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=RegistrationStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=RegistrationStatus.choices)
    registration_number = models.CharField(_("registration number"), max_length=30, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    registrar_name = models.CharField(_("registrar"), max_length=200, blank=True)
    reason = models.TextField(_("reason or note"), blank=True)
    expert_review = models.BooleanField(_("flagged for expert review"), default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, verbose_name=_("user"), null=True, blank=True)
    username = models.CharField(_("user name"), max_length=150, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract registration step")
        verbose_name_plural = _("contract registration steps")
        ordering = ["contract", "at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"


class TechContractDistrict(models.Model):
    """One district a technology contract belongs to: the division and zone of one of its buyers or
    sellers (one row per distinct pair), with the contract's signing date, the list's order. Kept
    by registry/districts.py so that a district-scoped contract list reads one indexed table
    instead of joining buyers, sellers and organizations, and finds a deep page in its index."""

    contract = models.ForeignKey(
        TechContract, models.CASCADE, verbose_name=_("technology contract"), related_name="districts"
    )
    division = models.ForeignKey(
        Division, models.CASCADE, verbose_name=_("division"), null=True, db_index=False, related_name="+"
    )
    zone = models.ForeignKey(
        DevelopmentZone, models.CASCADE, verbose_name=_("development zone"), null=True, db_index=False, related_name="+"
    )
    # A copy of the contract's, kept with it (districts.py): the contract list's order.
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("district of a technology contract")
        verbose_name_plural = _("districts of technology contracts")
        indexes = [
            # The scope's sub-select (the contracts of a district) and a district's page in the
            # list's order (-signed_on, -id: districts.page_keys), from the index alone.
            models.Index(fields=["division", "signed_on", "contract"], name="registry_contract_dist_div_on"),
            models.Index(fields=["zone", "signed_on", "contract"], name="registry_contract_dist_zone_on"),
        ]

    def __str__(self):
        return f"{self.contract_id}: {self.division_id}/{self.zone_id}"


class Subsidy(Reviewed, CitedModel):
    """A subsidy or award (奖补, 后补助) paid to a person or an organization under a policy."""

    NATURAL_KEY = ("title",)

    class Kind(models.TextChoices):
        BUYER = "buyer", _("post-transaction subsidy to a buyer")
        SUPPLIER = "supplier", _("post-transaction subsidy to a supplier")
        SERVICE = "service", _("post-transaction subsidy to a service agency")
        BROKER_PERFORMANCE = "broker_performance", _("broker performance subsidy")
        TALENT_AWARD = "talent_award", _("talent award")
        PROJECT_FUNDING = "project_funding", _("project funding")
        OTHER = "other", _("other")

    title = PinyinCharField(_("title"), max_length=300, unique=True)
    title_pinyin = SortKeyField("title")
    talent = models.ForeignKey(
        Talent, models.PROTECT, verbose_name=_("recipient person"), null=True, blank=True, related_name="subsidies"
    )
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        verbose_name=_("recipient organization"),
        null=True,
        blank=True,
        related_name="subsidies",
    )
    policy = models.ForeignKey(
        Policy, models.PROTECT, verbose_name=_("policy"), null=True, blank=True, related_name="subsidies"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    amount = AmountField(_("amount (yuan)"), wan_label=_("amount (10k yuan)"), null=True, blank=True, **AMOUNT)
    contracts = models.ManyToManyField(TechContract, verbose_name=_("contracts"), blank=True, related_name="subsidies")

    class Meta:
        verbose_name = _("subsidy or award")
        verbose_name_plural = _("subsidies and awards")
        ordering = ["-year", Pinyin("title").asc()]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(talent__isnull=False) | models.Q(organization__isnull=False),
                name="registry_subsidy_has_recipient",
                violation_error_message=_("A subsidy needs a recipient person or organization."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="registry_subsidy_amount_not_negative",
                violation_error_message=_("The amount must not be negative."),
            ),
        ]

    def __str__(self):
        return self.title
