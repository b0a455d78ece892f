"""Table reads through /rest/v1 with supabase-py: select, filters, order, paging, counts and single rows.

The tests create their own table, so they do not depend on the app's schema or seed.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from postgrest.exceptions import APIError
from supabase import Client

from tests.support.backend import RunningBackend
from tests.support.clients import connect_db, new_client, rest_http_client, temporary_tables

TABLE = "rest_read_items"
MANY_TABLE = "rest_read_many"
MANY_ROWS = 1005
DEFAULT_MAX_ROWS = 1000
# Larger than 2**53, so a float on the way would change its last digit.
BIG_NUMBER = 9007199254740993

SCHEMA_SQL = f"""
create table public.{TABLE} (
  id bigint primary key,
  name text not null,
  price numeric(10, 2),
  qty int,
  tags text[],
  data jsonb,
  big bigint,
  active boolean,
  created_at timestamptz
);
alter table public.{TABLE} enable row level security;
create policy "anyone can read the read-test items" on public.{TABLE} for select using (true);

insert into public.{TABLE} (id, name, price, qty, tags, data, big, active, created_at) values
  (1, 'apple', 1.50, 3, '{{red,fruit}}', '{{"color": "red", "size": {{"w": 1}}}}', {BIG_NUMBER}, true,
   '2024-01-02 03:04:05.123456+00'),
  (2, 'banana', 0.25, null, '{{yellow,fruit}}', '{{"color": "yellow"}}', 2, false, '2024-02-01 00:00:00+00'),
  (3, 'a,b "c" (d)', null, 10, '{{}}', null, null, null, null),
  (4, 'Cherry pie', 12.00, 1, '{{red,dessert}}', '{{"color": "dark red"}}', 4, true,
   '2024-03-01 12:00:00+00'),
  (5, 'back\\slash', 3.00, 0, null, '[1, 2]', 5, false, '2024-04-01 00:00:00+00');

create table public.{MANY_TABLE} (id int primary key);
alter table public.{MANY_TABLE} enable row level security;
create policy "anyone can read the paging-test rows" on public.{MANY_TABLE} for select using (true);
insert into public.{MANY_TABLE} select generate_series(1, {MANY_ROWS});
"""


@pytest.fixture(scope="module")
def tables(backend: RunningBackend) -> Iterator[None]:
    with temporary_tables(backend, SCHEMA_SQL, f"drop table if exists public.{TABLE}, public.{MANY_TABLE}"):
        yield


@pytest.fixture(scope="module")
def client(backend: RunningBackend, tables: None) -> Client:
    return new_client(backend)


@pytest.fixture(scope="module")
def http(backend: RunningBackend, tables: None) -> Iterator[httpx.Client]:
    """A plain HTTP client with the anon key, for what supabase-py does not show, such as headers."""
    with rest_http_client(backend, backend.anon_key) as session:
        yield session


def names(rows: Any) -> list[str]:
    return [row["name"] for row in rows]


def test_select_star_returns_every_column(client: Client) -> None:
    rows = client.table(TABLE).select("*").eq("id", 1).execute().data

    assert rows == [
        {
            "id": 1,
            "name": "apple",
            "price": 1.5,
            "qty": 3,
            "tags": ["red", "fruit"],
            "data": {"color": "red", "size": {"w": 1}},
            "big": BIG_NUMBER,
            "active": True,
            "created_at": "2024-01-02T03:04:05.123456+00:00",
        }
    ]


def test_select_serialises_values_as_postgresql_json(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"select": "price,big,created_at", "id": "eq.1"})

    assert response.status_code == 200
    assert '"price":1.50' in response.text
    assert f'"big":{BIG_NUMBER}' in response.text
    assert '"created_at":"2024-01-02T03:04:05.123456+00:00"' in response.text
    assert response.json(parse_float=Decimal)[0]["price"] == Decimal("1.50")


def test_select_lists_columns_in_order(client: Client) -> None:
    rows = client.table(TABLE).select("name, id").eq("id", 2).execute().data

    assert rows == [{"name": "banana", "id": 2}]
    assert list(rows[0]) == ["name", "id"]


def test_select_alias_renames_column(client: Client) -> None:
    rows = client.table(TABLE).select("label:name").eq("id", 2).execute().data

    assert rows == [{"label": "banana"}]


def test_select_cast_keeps_column_name(client: Client) -> None:
    rows = client.table(TABLE).select("id, qty::text, cost:price::text").eq("id", 1).execute().data

    assert rows == [{"id": 1, "qty": "3", "cost": "1.50"}]


def test_select_json_path_names_last_key(client: Client) -> None:
    rows = client.table(TABLE).select("id, data->>color, data->size->w").order("id").limit(2).execute().data

    assert rows == [{"id": 1, "color": "red", "w": 1}, {"id": 2, "color": "yellow", "w": None}]


def test_select_quoted_column_name(client: Client) -> None:
    rows = client.table(TABLE).select('"name"').eq("id", 2).execute().data

    assert rows == [{"name": "banana"}]


@pytest.mark.parametrize(
    ("column", "operator", "value", "expected"),
    [
        pytest.param("id", "eq", "2", ["banana"], id="eq"),
        pytest.param("id", "neq", "2", ["apple", 'a,b "c" (d)', "Cherry pie", "back\\slash"], id="neq"),
        pytest.param("price", "gt", "3", ["Cherry pie"], id="gt"),
        pytest.param("price", "gte", "3", ["Cherry pie", "back\\slash"], id="gte"),
        pytest.param("qty", "lt", "1", ["back\\slash"], id="lt"),
        pytest.param("qty", "lte", "1", ["Cherry pie", "back\\slash"], id="lte"),
        pytest.param("name", "like", "*an*", ["banana"], id="like-star"),
        pytest.param("name", "like", "%an%", ["banana"], id="like-percent"),
        pytest.param("name", "ilike", "cherry*", ["Cherry pie"], id="ilike"),
        pytest.param("name", "match", "^[ab]", ["apple", "banana", 'a,b "c" (d)', "back\\slash"], id="match"),
        pytest.param("name", "imatch", "^c", ["Cherry pie"], id="imatch"),
        pytest.param("tags", "cs", "{red}", ["apple", "Cherry pie"], id="contains"),
        pytest.param("tags", "cd", "{red,fruit,yellow}", ["apple", "banana", 'a,b "c" (d)'], id="contained"),
        pytest.param("tags", "ov", "{dessert,yellow}", ["banana", "Cherry pie"], id="overlaps"),
        pytest.param("data", "cs", '{"color": "red"}', ["apple"], id="jsonb-contains"),
        pytest.param(
            "qty", "isdistinct", "3", ["banana", 'a,b "c" (d)', "Cherry pie", "back\\slash"], id="isdistinct"
        ),
        pytest.param("name", "ilike(any)", "{apple,BAN*}", ["apple", "banana"], id="ilike-any"),
        pytest.param("id", "gt(all)", "{1,3}", ["Cherry pie", "back\\slash"], id="gt-all"),
    ],
)
def test_filter_operator_selects_matching_rows(
    client: Client, column: str, operator: str, value: str, expected: list[str]
) -> None:
    rows = client.table(TABLE).select("name").filter(column, operator, value).order("id").execute().data

    assert names(rows) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, ['a,b "c" (d)'], id="null"),
        pytest.param("not_null", ["apple", "banana", "Cherry pie", "back\\slash"], id="not_null"),
        pytest.param(True, ["apple", "Cherry pie"], id="true"),
        pytest.param(False, ["banana", "back\\slash"], id="false"),
        pytest.param("unknown", ['a,b "c" (d)'], id="unknown"),
    ],
)
def test_filter_is_matches_keyword(client: Client, value: Any, expected: list[str]) -> None:
    column = "price" if value in (None, "not_null") else "active"

    rows = client.table(TABLE).select("name").is_(column, value).order("id").execute().data

    assert names(rows) == expected


def test_filter_in_accepts_quoted_values(client: Client) -> None:
    rows = client.table(TABLE).select("id").in_("name", ['a,b "c" (d)', "back\\slash", "apple"]).order("id")

    assert [row["id"] for row in rows.execute().data] == [1, 3, 5]


def test_filter_in_empty_list_matches_nothing(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"select": "id", "id": "in.()"})

    assert response.status_code == 200
    assert response.json() == []


def test_filter_not_negates_operator(client: Client) -> None:
    rows = client.table(TABLE).select("id").not_.in_("id", [1, 2, 3]).order("id").execute().data

    assert [row["id"] for row in rows] == [4, 5]


def test_filter_repeated_key_combines_with_and(client: Client) -> None:
    rows = client.table(TABLE).select("id").gte("id", 2).lte("id", 4).order("id").execute().data

    assert [row["id"] for row in rows] == [2, 3, 4]


def test_filter_value_with_plus_and_space(client: Client) -> None:
    rows = client.table(TABLE).select("id").eq("name", "Cherry pie").execute().data

    assert [row["id"] for row in rows] == [4]


def test_filter_on_json_path(client: Client) -> None:
    rows = client.table(TABLE).select("id").eq("data->>color", "dark red").execute().data

    assert [row["id"] for row in rows] == [4]


def test_filter_eq_null_compares_text(client: Client) -> None:
    with pytest.raises(APIError) as raised:
        client.table(TABLE).select("id").eq("qty", None).execute()

    assert raised.value.code == "22P02"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.text(alphabet='ab,:()"\\ .*%{}', min_size=1, max_size=6), min_size=1, max_size=4))
def test_filter_in_finds_exactly_listed_values(
    backend: RunningBackend, tables: None, values: list[str]
) -> None:
    with connect_db(backend) as conn:
        rows = conn.execute(
            f"select id from public.{TABLE} where name = any(%s) order by id", (values,)
        ).fetchall()
    client = new_client(backend)

    found = client.table(TABLE).select("id").in_("name", values).order("id").execute().data

    assert [row["id"] for row in found] == [row[0] for row in rows]


def test_order_descending(client: Client) -> None:
    rows = client.table(TABLE).select("id").order("id", desc=True).execute().data

    assert [row["id"] for row in rows] == [5, 4, 3, 2, 1]


def test_order_nulls_first(client: Client) -> None:
    rows = client.table(TABLE).select("id").order("price", nullsfirst=True).order("id").execute().data

    assert [row["id"] for row in rows] == [3, 2, 1, 5, 4]


def test_order_several_columns(client: Client) -> None:
    query = (
        client.table(TABLE).select("id").order("active", desc=True, nullsfirst=False).order("id", desc=True)
    )

    assert [row["id"] for row in query.execute().data] == [4, 1, 5, 2, 3]


def test_order_by_json_path(client: Client) -> None:
    rows = (
        client.table(TABLE).select("id").not_.is_("data->>color", None).order("data->>color").execute().data
    )

    assert [row["id"] for row in rows] == [4, 1, 2]


def test_range_returns_page(client: Client) -> None:
    rows = client.table(TABLE).select("id").order("id").range(1, 2).execute().data

    assert [row["id"] for row in rows] == [2, 3]


def test_count_exact_reports_total(client: Client) -> None:
    response = client.table(TABLE).select("id", count="exact").order("id").limit(2).execute()

    assert response.count == 5
    assert len(response.data) == 2


def test_count_with_filter_counts_matches(client: Client) -> None:
    response = client.table(TABLE).select("id", count="exact").eq("active", True).execute()

    assert response.count == 2


def test_head_returns_count_without_rows(client: Client) -> None:
    response = client.table(TABLE).select("*", count="exact", head=True).execute()

    assert response.count == 5
    assert response.data == []


@pytest.mark.parametrize(
    ("params", "prefer", "status", "content_range"),
    [
        pytest.param({"order": "id", "limit": "2"}, "count=exact", 206, "0-1/5", id="partial-count"),
        pytest.param({"order": "id", "offset": "3"}, "count=exact", 206, "3-4/5", id="offset-count"),
        pytest.param({}, "count=exact", 200, "0-4/5", id="whole-count"),
        pytest.param({"order": "id", "limit": "2"}, None, 200, "0-1/*", id="no-count"),
        pytest.param({"id": "eq.0"}, "count=exact", 200, "*/0", id="empty-count"),
        pytest.param({"id": "eq.0"}, None, 200, "*/*", id="empty-no-count"),
        pytest.param({"offset": "5"}, "count=exact", 206, "*/5", id="offset-at-end"),
    ],
)
def test_read_sets_content_range(
    http: httpx.Client, params: dict[str, str], prefer: str | None, status: int, content_range: str
) -> None:
    headers = {"Prefer": prefer} if prefer else {}

    response = http.get(f"/{TABLE}", params={"select": "id", **params}, headers=headers)

    assert response.status_code == status
    assert response.headers["content-range"] == content_range


def test_read_offset_past_total_is_416(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"offset": "9"}, headers={"Prefer": "count=exact"})

    assert response.status_code == 416
    assert response.headers["content-range"] == "*/5"
    assert response.json()["code"] == "PGRST103"
    assert response.json()["details"] == "An offset of 9 was requested, but there are only 5 rows."


def test_read_caps_rows_at_max_rows(client: Client) -> None:
    response = client.table(MANY_TABLE).select("id", count="exact").limit(5000).execute()

    assert len(response.data) == DEFAULT_MAX_ROWS
    assert response.count == MANY_ROWS


def test_read_cap_shows_in_content_range(http: httpx.Client) -> None:
    response = http.get(
        f"/{MANY_TABLE}", params={"select": "id", "offset": "1"}, headers={"Prefer": "count=exact"}
    )

    assert response.status_code == 206
    assert response.headers["content-range"] == f"1-{DEFAULT_MAX_ROWS}/{MANY_ROWS}"


def test_single_returns_object(client: Client) -> None:
    response = client.table(TABLE).select("id, name").eq("id", 2).single().execute()

    assert response.data == {"id": 2, "name": "banana"}


@pytest.mark.parametrize(("filter_value", "row_count"), [("eq.0", 0), ("lt.3", 2)])
def test_single_without_one_row_is_406(client: Client, filter_value: str, row_count: int) -> None:
    operator, _, value = filter_value.partition(".")

    with pytest.raises(APIError) as raised:
        client.table(TABLE).select("id").filter("id", operator, value).single().execute()

    assert raised.value.code == "PGRST116"
    assert raised.value.details == f"The result contains {row_count} rows"


def test_maybe_single_without_rows_returns_none(client: Client) -> None:
    response = client.table(TABLE).select("id").eq("id", 0).maybe_single().execute()

    assert response is None


def test_single_sets_object_content_type(http: httpx.Client) -> None:
    headers = {"Accept": "application/vnd.pgrst.object+json"}

    response = http.get(f"/{TABLE}", params={"select": "id", "id": "eq.1"}, headers=headers)

    assert response.headers["content-type"] == "application/vnd.pgrst.object+json; charset=utf-8"
    assert response.json() == {"id": 1}


def test_read_sets_json_content_type(http: httpx.Client) -> None:
    response = http.get(f"/{TABLE}", params={"select": "id", "id": "eq.1"})

    assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_strip_nulls_drops_null_keys(client: Client) -> None:
    response = client.table(TABLE).select("id, price, qty").eq("id", 3).strip_nulls().execute()

    assert response.data == [{"id": 3, "qty": 10}]


def test_read_as_service_role_sees_rows(backend: RunningBackend, tables: None) -> None:
    service = new_client(backend, backend.service_role_key)

    response = service.table(TABLE).select("id", count="exact").execute()

    assert response.count == 5
