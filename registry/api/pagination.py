"""Keyset ("cursor") pagination, stable at a million rows and while rows are added or changed.

Rows are ordered by a key and the primary key, (updated_at, id) or (id); the cursor holds the key
values of the last row of a page, and the next page is the rows after it: `key > k OR (key = k AND
id > i)`, written so that an index on (key, id) is walked from k. No OFFSET, no COUNT: a deep page
costs what the first one does. New rows get higher ids (or later times), so they come at the end
and nothing is skipped or repeated by their arrival; a row changed while a client pages by
updated_at moves to the end and is delivered again, with its new values (what incremental
synchronisation wants). Cursors are signed: a changed one is refused, it never widens a query.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core import signing
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from .errors import BadParameter

CURSOR_SALT = "registry.api.cursor"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
PAGE_SIZES = {"max": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}


@dataclass(frozen=True)
class Ordering:
    """An order of the rows: by `key` then id (key "id": by id alone), ascending or descending."""

    key: str
    descending: bool = False

    @property
    def name(self) -> str:
        return ("-" if self.descending else "") + self.key

    def order_by(self) -> list[str]:
        keys = [self.key] if self.key == "id" else [self.key, "id"]
        return [("-" if self.descending else "") + key for key in keys]

    def after(self, position: Position) -> Q:
        """Rows after `position` in this order."""
        beyond = "lt" if self.descending else "gt"
        if self.key == "id":
            return Q(**{f"id__{beyond}": position.id})
        # `key >= k AND (key > k OR id > i)`: the first part starts the index walk at k.
        reach = "lte" if self.descending else "gte"
        return Q(**{f"{self.key}__{reach}": position.key}) & (
            Q(**{f"{self.key}__{beyond}": position.key}) | Q(**{f"id__{beyond}": position.id})
        )


ORDERINGS = {o.name: o for o in (Ordering(k, d) for k in ("id", "updated_at") for d in (False, True))}
DEFAULT_ORDERING = "id"


@dataclass(frozen=True)
class Position:
    """The last row of a page: its key value (a time for updated_at) and id."""

    ordering: str
    id: int
    key: datetime.datetime | None = None

    def sign(self) -> str:
        return signing.dumps(
            {"o": self.ordering, "i": self.id, "k": self.key.isoformat() if self.key else None}, salt=CURSOR_SALT
        )

    @classmethod
    def read(cls, cursor: str, ordering: Ordering) -> Position:
        try:
            data = signing.loads(cursor, salt=CURSOR_SALT)
            position = cls(data["o"], int(data["i"]), datetime.datetime.fromisoformat(data["k"]) if data["k"] else None)
        except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
            raise BadParameter(
                _("The cursor is not valid; use the “next” address of a previous page."), parameter="cursor"
            ) from error
        if position.ordering != ordering.name:
            raise BadParameter(
                _("The cursor belongs to the ordering “%(ordering)s”.") % {"ordering": position.ordering},
                parameter="cursor",
            )
        if ordering.key != "id" and position.key is None:
            raise BadParameter(_("The cursor is not valid; use the “next” address of a previous page."), "cursor")
        return position


class KeysetPagination(BasePagination):
    """`ordering` (id, -id, updated_at, -updated_at), `page_size` (1–200, default 50) and `cursor`."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.ordering = self.read_ordering(request)
        size = self.read_size(request)
        queryset = queryset.order_by(*self.ordering.order_by())
        cursor = request.query_params.get("cursor")
        if cursor:
            queryset = queryset.filter(self.ordering.after(Position.read(cursor, self.ordering)))
        rows = list(queryset[: size + 1])
        self.next_position = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            key = None if self.ordering.key == "id" else getattr(last, self.ordering.key)
            self.next_position = Position(self.ordering.name, last.pk, key)
        return rows

    @staticmethod
    def read_ordering(request) -> Ordering:
        name = request.query_params.get("ordering") or DEFAULT_ORDERING
        if name not in ORDERINGS:
            raise BadParameter(
                _("Parameter “ordering” must be one of %(names)s.") % {"names": ", ".join(ORDERINGS)},
                parameter="ordering",
            )
        return ORDERINGS[name]

    @staticmethod
    def read_size(request) -> int:
        text = request.query_params.get("page_size") or str(DEFAULT_PAGE_SIZE)
        if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE_SIZE:
            raise BadParameter(
                _("Parameter “page_size” must be a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE},
                parameter="page_size",
            )
        return int(text)

    def next_link(self) -> str | None:
        if self.next_position is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), "cursor", self.next_position.sign())

    def get_paginated_response(self, data):
        return Response({"next": self.next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": _("Address of the next page (null on the last page)."),
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            query("cursor", "string", _("The cursor of the “next” address of the previous page.")),
            query("page_size", "integer", _("Rows per page, 1–%(max)d (default %(default)d).") % PAGE_SIZES),
            {
                **query("ordering", "string", _("Order: id, -id, updated_at (for incremental sync), -updated_at.")),
                "schema": {"type": "string", "enum": list(ORDERINGS), "default": DEFAULT_ORDERING},
            },
        ]


def query(name: str, kind: str, description: str) -> dict:
    return {"name": name, "required": False, "in": "query", "description": description, "schema": {"type": kind}}
