"""Technology transfer: policies, agencies, training bases, brokers, contracts and subsidies."""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from registry import districts
from registry.models import Organization, Policy, Subsidy, TechContract, TechnologyBroker, TrainingBase, TransferAgency

from .base import RegistryAdmin
from .common import SOURCES_FIELDSET, amount_column, count_column, count_of
from .registration import ExpertReviewFilter, RegistrationMixin

ORGANIZATION_SEARCH = ("organization__name", "organization__aliases__name", "organization__credit_code")


def names(records) -> str:
    """Names of related records (a prefetched list), joined for a changelist cell."""
    return "、".join(str(item) for item in records)


@admin.register(Policy)
class PolicyAdmin(RegistryAdmin):
    list_display = ("title", "kind", "document_number", "issuer", "issued_on", amount_column(Policy, "max_funding"))
    list_filter = ("kind", "issuer__kind")
    search_fields = ("title", "document_number", "issuer__name", "summary")
    date_hierarchy = "issued_on"
    list_select_related = ("issuer",)
    autocomplete_fields = ("issuer", "citations")
    fieldsets = (
        (None, {"fields": ("title", "kind", "document_number", "issuer", "issued_on")}),
        (_("Content"), {"fields": ("summary", "max_funding")}),
        SOURCES_FIELDSET,
    )


class RecognitionAdmin(RegistryAdmin):
    """An organization recognised at a level on a date (agencies, training bases)."""

    list_display = ("organization", "level", "recognised_on", count_column("broker_count", _("brokers")))
    list_filter = ("level", "organization__division")
    search_fields = ORGANIZATION_SEARCH
    date_hierarchy = "recognised_on"
    list_select_related = ("organization",)
    autocomplete_fields = ("organization", "citations")
    fieldsets = ((None, {"fields": ("organization", "level", "recognised_on")}), SOURCES_FIELDSET)


@admin.register(TransferAgency)
class TransferAgencyAdmin(RecognitionAdmin):
    annotations = {"broker_count": count_of(TechnologyBroker, "agency")}


@admin.register(TrainingBase)
class TrainingBaseAdmin(RecognitionAdmin):
    annotations = {"broker_count": count_of(TechnologyBroker, "training_base")}


@admin.register(TechnologyBroker)
class TechnologyBrokerAdmin(RegistryAdmin):
    list_display = (
        "talent",
        "level",
        "agency",
        "certificate_number",
        "certificate_issuer",
        "certified_on",
        "training_base",
    )
    list_filter = ("level",)
    search_fields = ("talent__name", "certificate_number", "agency__organization__name", "talent__employer__name")
    date_hierarchy = "certified_on"
    list_select_related = (
        "talent",
        "agency__organization",
        "certificate_issuer",
        "training_base__organization",
    )
    autocomplete_fields = ("talent", "agency", "certificate_issuer", "training_base", "citations")
    fieldsets = (
        (None, {"fields": ("talent", "level", "agency", "training_base")}),
        (_("Certificate"), {"fields": ("certificate_number", "certificate_issuer", "certified_on")}),
        SOURCES_FIELDSET,
    )


@admin.register(TechContract)
class TechContractAdmin(RegistrationMixin, RegistryAdmin):
    list_display = (
        "title",
        "registration_number",
        "contract_type",
        "buyer_names",
        "seller_names",
        amount_column(TechContract, "contract_amount"),
        amount_column(TechContract, "transaction_amount"),
        "signed_on",
        "registration_state",  # with the registration date
    )
    estimate_scoped_count = True  # a district clerk's unfiltered list: the planner's estimate
    scoped_pages = districts.CONTRACT_PAGES  # and its pages from the district rows' index
    # No date_hierarchy: its list of years scans the whole table (docs/scaling.md).
    list_filter = ("registration_status", ExpertReviewFilter, "contract_type", "signed_on", "registered_on")
    search_fields = ("title", "registration_number", "buyers__name", "sellers__name")
    list_select_related = ("contract_type", "registrar")
    autocomplete_fields = ("contract_type", "buyers", "sellers", "brokers", "registrar", "citations")
    fieldsets = (
        (None, {"fields": ("title", "contract_type", "registration_number")}),
        (_("Parties"), {"fields": ("buyers", "sellers", "brokers")}),
        (_("Amounts"), {"fields": ("contract_amount", "transaction_amount")}),
        (_("Signing and registration"), {"fields": ("signed_on", "registered_on", "registrar")}),
        SOURCES_FIELDSET,
    )

    def get_queryset(self, request):
        # Buyers and sellers are listed per row: one query each for the whole page, kept as plain
        # lists (a prefetched manager clones a queryset per row and relation when it is filled),
        # of their names only (the list shows nothing else of them).
        parties = Organization.objects.only("id", "name")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("buyers", parties, to_attr="listed_buyers"),
                Prefetch("sellers", parties, to_attr="listed_sellers"),
            )
        )

    @admin.display(description=_("buyers"))
    def buyer_names(self, obj):
        return names(obj.listed_buyers)

    @admin.display(description=_("sellers"))
    def seller_names(self, obj):
        return names(obj.listed_sellers)


@admin.register(Subsidy)
class SubsidyAdmin(RegistryAdmin):
    list_display = ("title", "kind", "recipient", "policy", "year", amount_column(Subsidy, "amount"))
    list_filter = ("kind", "year")
    search_fields = ("title", "talent__name", "organization__name", "organization__credit_code", "policy__title")
    list_select_related = ("talent", "organization", "policy")
    autocomplete_fields = ("talent", "organization", "policy", "contracts", "citations")
    fieldsets = (
        (None, {"fields": ("title", "kind", "policy", "year", "amount")}),
        (
            _("Recipient"),
            {
                "fields": ("talent", "organization"),
                "description": _("A person, an organization or both."),
            },
        ),
        (_("Linked contracts"), {"fields": ("contracts",)}),
        SOURCES_FIELDSET,
    )

    @admin.display(description=_("recipient"))
    def recipient(self, obj):
        return " / ".join(str(party) for party in (obj.talent, obj.organization) if party)
