"""`field__in_array=values`: the `__in` lookup sent as one array parameter on PostgreSQL.

An `__in` list of 2,000 values (the chunks the importer and the bulk writers look records up in)
costs the ORM a prepared value each and psycopg a scan of a query with 2,000 placeholders, which
then makes PostgreSQL parse 2,000 literals; at 100,000 rows that was seconds of an import.
`in_array` compiles to `column = ANY(%s::type[])` with the values as one list (psycopg sends it as
an array); the rows found are the same as with `__in`. On other databases it is `__in` itself.
Plain int and str values are passed as they are (the ORM's per-value preparation is skipped for
them); other values are prepared by the field as `__in` does.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models.lookups import In

PLAIN = (int, str)
LENGTH = re.compile(r"\s*\(.*\)$")


class InArray(In):
    lookup_name = "in_array"

    def get_prep_lookup(self) -> Any:
        if not self.rhs_is_direct_value() or not self.prepare_rhs:
            return super().get_prep_lookup()
        field = self.lhs.output_field
        prep = getattr(field, "get_prep_value", None)
        return [
            value if type(value) in PLAIN or prep is None or hasattr(value, "resolve_expression") else prep(value)
            for value in self.rhs
        ]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if not self.rhs_is_direct_value() or any(hasattr(value, "resolve_expression") for value in self.rhs):
            return super().as_sql(compiler, connection)
        values = list(dict.fromkeys(value for value in self.rhs if value is not None))
        if not values:
            raise EmptyResultSet
        field = self.lhs.output_field
        values = [
            value if type(value) in PLAIN else field.get_db_prep_value(value, connection, prepared=True)
            for value in values
        ]
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # The column's own type, so its index serves the comparison as it serves IN; without a length
        # (varchar(200)), whose cast would cut longer values short and let them match a shorter name.
        base_type = LENGTH.sub("", field.db_type(connection))
        return f"{lhs} = ANY(%s::{base_type}[])", (*lhs_params, values)


models.Field.register_lookup(InArray)
# Relations take only the lookups registered from ForeignObject down (ForeignObject.get_class_lookups).
models.ForeignObject.register_lookup(InArray)
