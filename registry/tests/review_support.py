"""Shared set-up for the review tests: clerks and reviewers of 新城区 and 玉泉区, and records there."""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model

from registry import roles
from registry.models import Commissioner, Division, Organization, ReviewStatus, ServiceRecord, Talent
from registry.tests.access_support import make_user

XINCHENG, YUQUAN = "150102", "150104"


def load_reference_data():
    """Transactional tests start after a table flush: put back the lists migration 0002 seeds."""
    importlib.import_module("registry.migrations.0002_reference_data").load(django_apps, None)


def division(code):
    return Division.objects.get(code=code)


def review_cast():
    """Users of the review story: {name: user}. Clerks and reviewers are scoped to one district."""
    return {
        "clerk": make_user("xc_clerk", roles.DATA_ENTRY, divisions=[division(XINCHENG)]),
        "other_clerk": make_user("yq_clerk", roles.DATA_ENTRY, divisions=[division(YUQUAN)]),
        "reviewer": make_user("xc_reviewer", roles.REVIEWER, divisions=[division(XINCHENG)]),
        "other_reviewer": make_user("yq_reviewer", roles.REVIEWER, divisions=[division(YUQUAN)]),
        "city_reviewer": make_user("city_reviewer", roles.REVIEWER),
        "admin": get_user_model().objects.create_superuser("root", "root@example.org", None),
    }


def service_record(code=XINCHENG, title="田间指导", **fields):
    """A draft service record of a commissioner employed in the district `code`."""
    employer, _created = Organization.objects.get_or_create(
        name=f"{division(code).name}农业合作社", defaults={"division": division(code), "kind": "cooperative"}
    )
    person = Talent.objects.create(name=f"{title}专家", employer=employer)
    commissioner = Commissioner.objects.create(kind=Commissioner.Kind.AGRICULTURAL, talent=person)
    return ServiceRecord.objects.create(
        title=title, kind=ServiceRecord.Kind.FIELD_GUIDANCE, commissioner=commissioner, **fields
    )


def edited_by(record, user):
    """Name the user simple-history records for the record's next save (as the admin does)."""
    record._history_user = user
    return record


def set_status(obj, status):
    """Put a record in a state directly (test set-up only; real moves go through registry.review)."""
    type(obj).objects.filter(pk=obj.pk).update(review_status=status)
    obj.review_status = status
    return obj


def approved(obj):
    return set_status(obj, ReviewStatus.APPROVED)
