"""Template tags of the navigation (registry/navigation.py): the cached sidebar and the section crumb."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models.options import Options

from registry import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def navigation_sidebar(context: template.Context) -> str:
    """The user's sidebar from the cache, with the current page's model marked."""
    request = context["request"]
    # A lazy object: the app list is built only when the cache misses (never test its truth here).
    apps = context["available_apps"] if "available_apps" in context else []
    html = navigation.sidebar_html(request, apps)
    return navigation.mark_current(html, context.get("opts"))


@register.simple_tag
def navigation_section(opts: Options[Any]) -> dict[str, Any]:
    """{"title", "url"} of the section a model belongs to, for the breadcrumbs."""
    section = navigation.section_of(opts)
    return {"title": section.title, "url": navigation.section_url(section)}
