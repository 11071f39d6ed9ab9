"""Records for the dashboard and report tests: a small, known cast whose figures the tests assert."""

import datetime
from decimal import Decimal

from django.apps import apps
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.test import RequestFactory
from django.urls import reverse

from registry import review
from registry.models import (
    Commissioner,
    ContractType,
    DevelopmentZone,
    Division,
    IndustryCluster,
    Organization,
    Qualification,
    QualificationKind,
    ReviewStatus,
    Talent,
    TalentTier,
    TechContract,
)

from .support import make_user


def superuser():
    return make_user(username="boss", email="boss@example.org", superuser=True, password=None)


def staff_with(*codenames):
    return make_user(username="clerk", email="clerk@example.org", permissions=codenames, password=None)


def organization(name, division_code=None, zone=None, cluster=None, **fields):
    return Organization.objects.create(
        name=name,
        division=Division.objects.get(code=division_code) if division_code else None,
        zone=DevelopmentZone.objects.get(name=zone) if zone else None,
        cluster=IndustryCluster.objects.get(name=cluster) if cluster else None,
        **fields,
    )


def talent(name, employer=None, tier=None, mode="", introduced_on=None):
    return Talent.objects.create(
        name=name,
        employer=employer,
        tier=TalentTier.objects.get(name=tier) if tier else None,
        introduction_mode=mode,
        introduced_on=introduced_on,
    )


def commissioner(kind, person=None, unit=None, divisions=(), term_start=None):
    record = Commissioner.objects.create(kind=kind, talent=person, organization=unit, term_start=term_start)
    record.service_divisions.set(Division.objects.filter(code__in=divisions))
    return record


def contract(title, kind, signed_on=None, amount=None, transaction=None, sellers=()):
    record = TechContract.objects.create(
        title=title,
        contract_type=ContractType.objects.get(name=kind),
        signed_on=signed_on,
        contract_amount=None if amount is None else Decimal(amount),
        transaction_amount=None if transaction is None else Decimal(transaction),
    )
    record.sellers.set(sellers)
    return record


def qualification(org, kind, issued_on=None, number="", **fields):
    return Qualification.objects.create(
        organization=org, kind=QualificationKind.objects.get(name=kind), issued_on=issued_on, number=number, **fields
    )


def approve_all():
    """Approve every reviewed record made so far: the figures count approved records only."""
    for model in review.reviewed_models():
        model._default_manager.update(review_status=ReviewStatus.APPROVED)


def day(year, month=6, date=1):
    return datetime.date(year, month, date)


def changelist_count(test, user, url):
    """Rows of the admin list at `url`: through the real admin view when the model is registered
    there, otherwise through a plain ModelAdmin's ChangeList (same filter parsing and validation)."""
    path = url.partition("?")[0]
    app_label, model_name = path[len(reverse("admin:index")) :].strip("/").split("/")
    model = apps.get_model(app_label, model_name)
    if model in admin.site._registry:
        test.client.force_login(user)
        response = test.client.get(url)
        test.assertEqual(response.status_code, 200, f"{url} answered {response.status_code}")
        return response.context["cl"].result_count
    request = RequestFactory().get(url)
    request.user = user
    return ModelAdmin(model, admin.site).get_changelist_instance(request).result_count
