"""Template tags of the navigation (registry/navigation.py): the cached sidebar and the section crumb."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models.options import Options
from django.template.loader import render_to_string

from registry import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def navigation_sidebar(context: template.Context) -> str:
    """The user's sidebar from the cache, with the current page's model marked."""
    request = context["request"]
    # A lazy object: the app list is built only when the cache misses (never test its truth here).
    apps = context["available_apps"] if "available_apps" in context else []
    html = navigation.sidebar_html(request, apps)
    counts = {name: context.get(name) for name in ("review_queue", "review_returned")}
    review_html = render_to_string("registry/navigation/review.html", counts) if any(counts.values()) else ""
    return navigation.mark_current(html, context.get("opts"), review_html)


@register.simple_tag
def navigation_section(opts: Options[Any]) -> dict[str, Any]:
    """{"title", "url"} of the section a model belongs to, for the breadcrumbs."""
    section = navigation.section_of(opts)
    return {"title": section.title, "url": navigation.section_url(section)}
