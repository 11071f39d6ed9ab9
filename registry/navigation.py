"""Navigation by business line: the sections of record kinds, declared once here and used on the
admin index, in the sidebar of every admin page and in the breadcrumbs.

Each section lists its main records first, then their parts and lookups. The entries come from
Django's own app list, so they follow the user's permissions; a registered model no section names
lands in "Other", never out of sight. The sidebar is rendered once per user, language and set of
permissions and kept in the cache (docs/scaling.md): a page only marks its own entry in it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from registry import access

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models.options import Options
    from django.http import HttpRequest
    from django.utils.functional import _StrOrPromise as StrOrPromise

CACHE_SECONDS = 600
# Bump when the sidebar's markup changes, so no cached copy of the old one is served.
MARKUP_VERSION = 3
# Where each page puts its review counts into the cached sidebar (they change more often than it).
REVIEW_SLOT = "<!--registry-review-->"


@dataclass(frozen=True)
class Section:
    """A business line: its key (in URLs), its title and its models ("app_label.model_name")."""

    key: str
    title: StrOrPromise
    models: tuple[str, ...]


SECTIONS = (
    Section("talents", _("Talents"), ("registry.talent", "registry.talenttier")),
    Section(
        "commissioners",
        _("S&T commissioners"),
        (
            "registry.commissioner",
            "registry.workstation",
            "registry.commissionerteam",
            "registry.servicerecord",
            "registry.commissionerassessment",
            "registry.assessmentscheme",
            "registry.assessmentschemepart",
            "registry.workstationmember",
        ),
    ),
    Section(
        "transfer",
        _("Technology transfer"),
        (
            "registry.techcontract",
            "registry.technologybroker",
            "registry.transferagency",
            "registry.trainingbase",
            "registry.subsidy",
            "registry.contracttype",
        ),
    ),
    Section(
        "platforms",
        _("Platforms and projects"),
        (
            "registry.platform",
            "registry.project",
            "registry.platformmember",
            "registry.platformexpert",
            "registry.projectpartner",
            "registry.projecttarget",
        ),
    ),
    Section(
        "statistics",
        _("Policies and statistics"),
        ("registry.policy", "registry.indicator", "reports", "reminders", "registry.source", "registry.citation"),
    ),
    Section(
        "reference",
        _("Reference data"),
        (
            "registry.organization",
            "registry.qualification",
            "registry.annualreport",
            "registry.organizationalias",
            "registry.qualificationkind",
            "registry.division",
            "registry.developmentzone",
            "registry.industrycluster",
            "registry.evidencekind",
            "registry.evidencerequirement",
        ),
    ),
    Section(
        "system",
        _("System administration"),
        (
            "auth.user",
            "auth.group",
            "registry.reminderrule",
            "registry.auditevent",
            "registry.apikey",
            "axes.accessattempt",
            "axes.accessfailurelog",
            "axes.accesslog",
        ),
    ),
)
OTHER = Section("other", _("Other"), ())
BY_KEY = {section.key: section for section in (*SECTIONS, OTHER)}
BY_MODEL = {label: section for section in SECTIONS for label in section.models}
# The reports page counts these records; it is listed for users who may view one of them.
REPORT_MODELS = ("organization", "talent", "qualification", "techcontract", "commissioner", "platform", "workstation")


def section_of(opts: Options[Any]) -> Section:
    """The section a model's pages belong to ("Other" for a registered model no section names)."""
    return BY_MODEL.get(opts.label_lower, OTHER)


def section_url(section: Section) -> str | None:
    """The section's page, or None on an admin site without section pages (a plain AdminSite)."""
    try:
        return reverse("admin:registry_section", args=[section.key])
    except NoReverseMatch:
        return None


def reports_entry(request: HttpRequest) -> dict[str, Any] | None:
    """The statistical reports as an entry of the app list, for users who may see a report."""
    if not any(request.user.has_perm(f"registry.view_{name}") for name in REPORT_MODELS):
        return None
    return {
        "name": _("Statistical reports"),
        "object_name": "reports",
        "admin_url": reverse("admin:registry_reports"),
        "add_url": None,
        "view_only": True,
    }


def reminders_entry(request: HttpRequest) -> dict[str, Any] | None:
    """The page of due-date reminders as an entry of the app list, for users who may see a reminder."""
    from registry.reminders import visible_sources

    if not visible_sources(request.user):
        return None
    return {
        "name": _("Due-date reminders"),
        "object_name": "reminders",
        "admin_url": reverse("admin:registry_reminders"),
        "add_url": None,
        "view_only": True,
    }


def grouped(request: HttpRequest, app_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Django's app list (already filtered by the user's permissions) regrouped into sections, in the
    shape of an app list (name, app_label, app_url, models) so the admin's templates can show it."""
    entries = {
        f"{app['app_label']}.{model['object_name'].lower()}": model for app in app_list for model in app["models"]
    }
    report = reports_entry(request)
    if report:
        entries["reports"] = report
    reminders = reminders_entry(request)
    if reminders:
        entries["reminders"] = reminders
    for label, entry in entries.items():
        entry["nav_id"] = label.replace(".", "-")  # the row's class and id in the templates
    result: list[dict[str, Any]] = []
    for section in SECTIONS:
        models = [entries.pop(label) for label in section.models if label in entries]
        if models:
            result.append(_as_app(section, models))
    if entries:
        result.append(_as_app(OTHER, list(entries.values())))
    return result


def _as_app(section: Section, models: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": section.title,
        "app_label": section.key,
        "app_url": section_url(section),
        "has_module_perms": True,
        "models": models,
    }


def cache_key(user: User | AnonymousUser) -> str:
    """Per user and language, and per everything the entries depend on: permissions, scope and the
    URLs the site answers to."""
    permissions = "*" if user.is_superuser else ",".join(sorted(user.get_all_permissions()))
    urls = get_urlconf() or settings.ROOT_URLCONF
    state = f"{MARKUP_VERSION}|{permissions}|{access.is_scoped(user)}|{urls}"
    digest = hashlib.sha256(state.encode()).hexdigest()[:20]
    return f"registry:navigation:{user.pk}:{get_language()}:{digest}"


def sidebar_html(request: HttpRequest, app_list: list[dict[str, Any]]) -> str:
    """The sidebar for this user, rendered at most once per CACHE_SECONDS from the serving site's app
    list (`available_apps`, built only on a cache miss); no entry is marked current."""
    key = cache_key(request.user)
    html = cache.get(key)
    if html is None:
        html = render_to_string("registry/navigation/sidebar.html", {"sections": app_list})
        cache.set(key, html, CACHE_SECONDS)
    return html


def mark_current(html: str, opts: Options[Any] | None, review_html: str = "") -> str:
    """The cached sidebar with the page's own model marked (as Django's sidebar marks it) and the
    user's review counts (rendered for this page) in their slot."""
    html = html.replace(REVIEW_SLOT, review_html, 1)
    if opts is None:
        return mark_safe(html)  # noqa: S308 - rendered from our templates, escaped there
    row = f'class="nav-{opts.app_label}-{opts.model_name}"'
    current = f'class="nav-{opts.app_label}-{opts.model_name} current-model" aria-current="page"'
    return mark_safe(html.replace(row, current, 1))  # noqa: S308 - as above
