"""A changelist's rows, with the work that is the same for every row done once per page.

Django's `items_for_result` resolves each column again for every cell: the model field, the empty
value (a lazy translation), the field's choices (flattened anew), the boolean icons' static URLs,
the change URL (a `reverse()` per row) and a `format_html()` per cell; the template then loops
over every cell. At 50 rows and a dozen columns that was about half of a list page's time.

`results(cl)` gives the same markup: each column is resolved once into a `Column` (how to read its
value, how to show it, its CSS class, whether it links to the record), the change URL is reversed
once and the primary key put into it, and each row comes out as one safe string (the
`change_list_results.html` template's loop then runs once per row). Editable lists (a formset) and
popups keep Django's own rows: they need the form's fields and the opener's value in each cell.
"""

from __future__ import annotations

import datetime
import functools
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.templatetags.admin_list import (  # type: ignore[attr-defined] # Django's own helpers
    ResultList,
    _boolean_icon,
    _coerce_field_name,
)
from django.contrib.admin.templatetags.admin_list import results as django_results
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (  # type: ignore[attr-defined] # Django's own column lookup
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils import formats
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Stands for the primary key in the change URL reversed once per page.
PK_MARK = "0registrypk0"
NOWRAP_FIELDS = (models.DateField, models.TimeField, models.ForeignKey)


@dataclass(frozen=True)
class Column:
    """One list_display column: how to read a row's value and show it."""

    css_class: str  # the cell's class attribute, as Django writes it
    missing_class: str  # its class when the row's related record is missing (ObjectDoesNotExist)
    read: Callable[[Any], tuple[Any, Any]]  # row -> (attr, value), as lookup_field gives them
    show: Callable[[Any, Any], Any]  # (attr, value) -> what the cell shows
    empty: str
    links: bool  # the cell links to the record's change page
    nowrap_by_value: bool  # a non-field column is nowrap when its value is a date or time


def results(cl: ChangeList) -> list[ResultList]:
    """The rows of `cl`'s page for `change_list_results.html`, one safe string per row."""
    if cl.formset or cl.is_popup:
        return list(django_results(cl))
    empty = cl.model_admin.get_empty_value_display()
    icons = BooleanIcons()
    columns = list(resolve_columns(cl, empty, icons))
    link = ChangeLink(cl)
    rows = []
    for result in cl.result_list:
        cells = []
        first_link = True
        for column in columns:
            cells.append(render_cell(column, result, link, first_link))
            if column.links:
                first_link = False
        rows.append(ResultList(None, [mark_safe("".join(cells))]))  # noqa: S308 - cells are escaped
    return rows


def render_cell(column: Column, result, link: ChangeLink, first_link: bool) -> str:
    """One cell's markup, as items_for_result writes it."""
    css_class = column.css_class
    try:
        attr, value = column.read(result)
    except ObjectDoesNotExist:
        shown: Any = column.empty
        css_class = column.missing_class
    else:
        if isinstance(value, str) and value.strip() == "":
            value = ""
        shown = column.show(attr, value)
        if column.nowrap_by_value and isinstance(value, (datetime.date, datetime.time)):
            css_class += " nowrap"
    text = as_html(shown)
    if not column.links:
        return f'<td class="{css_class}">{text}</td>'
    tag = "th" if first_link else "td"
    url = link.url(result)
    if url is not None:
        text = f'<a href="{url}">{text}</a>'
    return f'<{tag} class="{css_class}">{text}</{tag}>'


def as_html(value) -> str:
    """Django's conditional_escape, without its lazy-argument wrapper (called once per cell)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def resolve_columns(cl: ChangeList, empty: SafeString, icons: BooleanIcons):
    """A `Column` per entry of `cl.list_display`, in order."""
    first = True
    for index, name in enumerate(cl.list_display):
        links = link_in_column(cl, name, first)
        if links:
            first = False
        try:
            field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            field = None
        css_class = f"field-{_coerce_field_name(name, index)}"
        if field is not None and not field.auto_created:
            yield field_column(field, str(name), css_class, empty, links, icons)
        else:
            yield other_column(cl, field, name, css_class, empty, links, icons)


def link_in_column(cl: ChangeList, name, first: bool) -> bool:
    """Django's link_in_col: the list_display_links columns, else the first one."""
    if cl.list_display_links is None:
        return False
    if first and not cl.list_display_links:
        return True
    return name in cl.list_display_links


def field_column(field, name: str, css_class: str, empty: SafeString, links: bool, icons: BooleanIcons) -> Column:
    """A column that is a model field: read the attribute, show it as display_for_field would."""
    missing_class = css_class
    if isinstance(field, NOWRAP_FIELDS):
        css_class += " nowrap"
    if isinstance(field.remote_field, models.ManyToOneRel):

        def show(attr, value):
            return empty if value is None else value

    else:
        show = field_display(field, empty, links, icons)

    def read(row):
        return None, getattr(row, name)

    return Column(css_class, missing_class, read, show, empty, links, nowrap_by_value=False)


def field_display(field, empty: SafeString, avoid_link: bool, icons: BooleanIcons) -> Callable[[Any, Any], Any]:
    """display_for_field for one field, with its choices flattened and its kind found once."""

    def general(attr, value):
        return display_for_field(value, field, empty, avoid_link=avoid_link)

    if getattr(field, "flatchoices", None):
        try:
            choices = dict(field.flatchoices)
        except TypeError:  # list-like choices: Django makes them hashable per cell
            return general

        def choice(attr, value):
            try:
                return choices.get(value, empty)
            except TypeError:
                return general(attr, value)

        return choice
    if isinstance(field, models.BooleanField):
        return lambda attr, value: icons.icon(value)
    if isinstance(field, (models.DateTimeField, models.FileField, models.URLField, models.JSONField)):
        return general
    empty_values = field.empty_values
    convert: Callable[[Any], Any]
    if isinstance(field, (models.DateField, models.TimeField)):
        # A page's rows share many dates; each is formatted once (a column's functions live one page).
        convert = functools.lru_cache(maxsize=None)(formats.localize)
    elif isinstance(field, models.DecimalField):
        places = field.decimal_places
        convert = lambda value: formats.number_format(value, places)  # noqa: E731
    elif isinstance(field, (models.IntegerField, models.FloatField)):
        convert = formats.number_format
    else:
        convert = lambda value: display_for_value(value, empty)  # noqa: E731

    def plain(attr, value):
        return empty if value in empty_values else convert(value)

    return plain


def other_column(cl, field, name, css_class: str, empty: SafeString, links: bool, icons: BooleanIcons) -> Column:
    """A column that is an admin method, a callable, a model attribute or an auto-created field."""
    model_admin = cl.model_admin
    missing_class = css_class
    if name == "action_checkbox":
        css_class = "action-checkbox"
    if field is None and callable(name):
        attr_once: Any = name

        def read(row):
            return attr_once, attr_once(row)

    elif field is None and hasattr(model_admin, name) and name != "__str__":
        attr_once = getattr(model_admin, name)

        def read(row):
            return attr_once, attr_once(row)

    else:
        attr_once = None

        def read(row):
            _field, attr, value = lookup_field(name, row, model_admin)
            return attr, value

    fixed_empty = getattr(attr_once, "empty_value_display", empty) if attr_once is not None else None

    def show(attr, value):
        shown_empty = fixed_empty if fixed_empty is not None else getattr(attr, "empty_value_display", empty)
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        if boolean:
            return icons.icon(value)
        return display_for_value(value, shown_empty)

    return Column(css_class, missing_class, read, show, empty, links, nowrap_by_value=True)


class BooleanIcons:
    """_boolean_icon's markup per value, made once per page (each is a static() URL lookup)."""

    def __init__(self):
        self.made: dict[Any, str] = {}

    def icon(self, value):
        try:
            return self.made[value]
        except KeyError:
            icon = self.made[value] = _boolean_icon(value)
            return icon
        except TypeError:
            return _boolean_icon(value)


class ChangeLink:
    """The change URL of each row, with the page's preserved filters, escaped for an attribute."""

    def __init__(self, cl: ChangeList):
        self.cl = cl
        self.parts: tuple[str, str] | None = None
        self.missing = False
        # Only Django's own url_for_result is known to put the quoted key into one reversed URL.
        if type(cl).url_for_result is ChangeList.url_for_result and cl.lookup_opts.pk.get_internal_type() in (
            "AutoField",
            "BigAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallAutoField",
        ):
            self.parts = self.split(cl)

    def split(self, cl: ChangeList) -> tuple[str, str] | None:
        marker = type("Marker", (), {cl.pk_attname: PK_MARK})()
        try:
            url = cl.url_for_result(marker)
        except NoReverseMatch:
            self.missing = True
            return None
        before, found, after = self.with_filters(url).partition(PK_MARK)
        return (before, after) if found and PK_MARK not in after else None

    def url(self, result) -> str | None:
        if self.missing:
            return None
        if self.parts is not None:
            pk = getattr(result, self.cl.pk_attname)
            if isinstance(pk, int):
                return f"{self.parts[0]}{pk}{self.parts[1]}"
        try:
            url = self.cl.url_for_result(result)
        except NoReverseMatch:
            return None
        return self.with_filters(url)

    def with_filters(self, url: str) -> str:
        """`url` with the list's preserved filters, escaped for an attribute."""
        return escape(
            add_preserved_filters({"preserved_filters": self.cl.preserved_filters, "opts": self.cl.opts}, url)
        )
