"""Logic trees `or=(...)`, `and=(...)` and their negations, with supabase-py's sync and async clients.

The rows live in the conformance project's `emb_things` and `emb_orders` tables. Values with commas,
parentheses and quotes are double-quoted inside the tree, as PostgREST's grammar requires.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from postgrest.exceptions import APIError

from tests.support.backend import RunningBackend
from tests.support.clients import rest_http_client
from tests.support.dual_clients import FLAVOURS, Flavour, run_query


@pytest.fixture(scope="module")
def http(conformance_backend: RunningBackend) -> Iterator[httpx.Client]:
    with rest_http_client(conformance_backend, conformance_backend.anon_key) as session:
        yield session


def thing_ids(backend: RunningBackend, flavour: Flavour, filters: str, *, negate: bool = False) -> list[int]:
    """Return the ids of `emb_things` rows that `or_(filters)` (or `not_.or_`) keeps, in id order."""

    def build(client: object) -> object:
        query = client.table("emb_things").select("id").order("id")  # type: ignore[attr-defined]
        return (query.not_ if negate else query).or_(filters)

    return [row["id"] for row in run_query(backend, flavour, build).data]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_matches_either(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    assert thing_ids(conformance_backend, flavour, "id.eq.1,score.gte.30") == [1, 3, 5]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_nested_and(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    assert thing_ids(conformance_backend, flavour, "id.eq.1,and(score.gte.20,score.lte.30)") == [1, 2, 3]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_not_or_negates_tree(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    assert thing_ids(conformance_backend, flavour, "id.eq.1,id.eq.2", negate=True) == [3, 4, 5]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_nested_not_and(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    assert thing_ids(conformance_backend, flavour, "id.eq.5,not.and(score.gte.10,score.lte.20)") == [3, 5]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_negated_filter_inside(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    assert thing_ids(conformance_backend, flavour, "name.not.like.*b*,id.eq.2") == [1, 2, 4]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_quoted_comma_and_parentheses(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    assert thing_ids(conformance_backend, flavour, 'name.eq."a,b (c)",id.eq.2') == [2, 3]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_quoted_escaped_quote(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    assert thing_ids(conformance_backend, flavour, 'name.eq."say \\"hi\\"",id.eq.1') == [1, 4]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_value_with_spaces(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    # httpx sends the spaces as `+`, which form decoding turns back into spaces.
    assert thing_ids(conformance_backend, flavour, "name.eq.a b,name.eq.alpha") == [1]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_in_list_and_is_null(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    assert thing_ids(conformance_backend, flavour, "id.in.(1,2),score.is.null") == [1, 2, 4]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_array_literal_operand(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    assert thing_ids(conformance_backend, flavour, "tags.cs.{a,b},tags.cs.{c}") == [1, 5]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_combines_with_plain_filters(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_things").select("id").gt("id", 1).or_("score.lte.20,score.is.null").order("id")
        ),
    )

    assert [row["id"] for row in response.data] == [2, 4]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_with_count(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: client.table("emb_things").select("id", count="exact").or_("id.eq.1,id.eq.3").limit(1),
    )

    assert response.count == 2


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_on_embedded_resource(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_customers")
            .select("name, emb_orders(ref)")
            .or_("ref.eq.A-11,total.gt.50", reference_table="emb_orders")
            .order("id")
        ),
    )

    assert response.data == [
        {"name": "Ada", "emb_orders": [{"ref": "A-11"}]},
        {"name": "Grace", "emb_orders": [{"ref": "G-12"}]},
        {"name": "Linus", "emb_orders": []},
    ]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_not_or_on_embedded_resource(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_customers")
            .select("name, emb_orders!inner(ref)")
            .not_.or_("ref.eq.A-11,ref.eq.G-12", reference_table="emb_orders")
        ),
    )

    assert response.data == [{"name": "Ada", "emb_orders": [{"ref": "A-10"}]}]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_or_invalid_operator_is_pgrst100(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    with pytest.raises(APIError) as raised:
        thing_ids(conformance_backend, flavour, "id.eq.1,id.nope.2")

    assert raised.value.code == "PGRST100"
    assert (raised.value.message or "").startswith('"failed to parse logic tree ((id.eq.1,id.nope.2))"')


def test_and_parameter_requires_all(http: httpx.Client) -> None:
    response = http.get(
        "/emb_things", params={"select": "id", "and": "(score.gte.20,score.lte.30)", "order": "id"}
    )

    assert response.status_code == 200
    assert response.json() == [{"id": 2}, {"id": 3}]


def test_not_and_parameter_negates(http: httpx.Client) -> None:
    response = http.get(
        "/emb_things", params={"select": "id", "not.and": "(id.gte.2,id.lte.4)", "order": "id"}
    )

    assert response.status_code == 200
    assert response.json() == [{"id": 1}, {"id": 5}]


def test_or_without_parentheses_is_400(http: httpx.Client) -> None:
    response = http.get("/emb_things", params={"select": "id", "or": "id.eq.1"})

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST100"
    assert response.json()["message"].startswith('"failed to parse logic tree (id.eq.1)"')


def test_or_unclosed_parenthesis_is_400(http: httpx.Client) -> None:
    response = http.get("/emb_things", params={"select": "id", "or": "(id.eq.1,and(id.eq.2)"})

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST100"


def test_or_on_update_filters_rows(conformance_backend: RunningBackend) -> None:
    service = rest_http_client(conformance_backend, conformance_backend.service_role_key)
    with service:
        response = service.patch(
            "/emb_things",
            params={"or": "(id.eq.1,id.eq.2)", "select": "id,score"},
            json={"score": 10},
            headers={"Prefer": "return=representation"},
        )
        restore = service.patch("/emb_things", params={"id": "eq.2"}, json={"score": 20})

    assert response.status_code == 200
    assert sorted(row["id"] for row in response.json()) == [1, 2]
    assert restore.status_code == 204
