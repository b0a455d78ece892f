"""Response bodies in SQL: PostgREST's JSON shapes and its CSV format for `Accept: text/csv`.

The CSV format is PostgREST's: a header row of the column names joined by commas, unquoted, then one line per
row written as PostgreSQL's text form of a record without its parentheses. So a value with a comma, quote,
backslash or space is double-quoted with `"` and `\\` doubled, a NULL is empty, and the lines are joined by
a newline with none after the last. The header comes from the first row of `pgrst_source`, so an empty
result has an empty header.
"""

from __future__ import annotations

from .media import ResponseShape
from .sql_builder import Snippet, json_body_sql

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

_CSV_HEADER = (
    "(SELECT coalesce(string_agg(pgrst_keys.key, ','), '')"
    " FROM (SELECT row_to_json(pgrst_first) AS row FROM pgrst_source AS pgrst_first LIMIT 1) pgrst_header,"
    " LATERAL json_object_keys(pgrst_header.row) AS pgrst_keys(key))"
)
_CSV_LINES = (
    "coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), chr(10)), '')"
)


def csv_body_sql() -> Snippet:
    """Aggregate the rows of `_postgrest_t` into CSV text, with the header read from `pgrst_source`."""
    return Snippet.raw(f"{_CSV_HEADER} || chr(10) || {_CSV_LINES}")


def body_sql(shape: ResponseShape) -> Snippet:
    """Aggregate the rows of `_postgrest_t` into the body of the negotiated media type."""
    if shape.csv:
        return csv_body_sql()
    return json_body_sql(singular=shape.singular, strip_nulls=shape.strip_nulls)
