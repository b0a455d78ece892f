"""Resource embedding through foreign keys, with supabase-py's sync and async clients and plain HTTP.

The tables live in the conformance project's migrations, and their names start with `emb_`. Expected rows and
errors follow PostgREST's documented behaviour: a to-one resource is an object or null, a to-many resource an
array (`[]` when empty), PGRST200 (400) when no relationship exists and PGRST201 (300) when several do.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from postgrest.exceptions import APIError

from tests.support.backend import RunningBackend
from tests.support.clients import rest_http_client
from tests.support.dual_clients import FLAVOURS, Flavour, run_query

pytestmark = pytest.mark.parametrize("flavour", FLAVOURS)


@pytest.fixture(scope="module")
def http(conformance_backend: RunningBackend) -> Iterator[httpx.Client]:
    with rest_http_client(conformance_backend, conformance_backend.anon_key) as session:
        yield session


def test_embed_to_one_is_object_or_null(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: client.table("emb_orders").select("id, emb_customers(name)").order("id"),
    )

    assert response.data == [
        {"id": 10, "emb_customers": {"name": "Ada"}},
        {"id": 11, "emb_customers": {"name": "Ada"}},
        {"id": 12, "emb_customers": {"name": "Grace"}},
        {"id": 13, "emb_customers": None},
    ]


def test_embed_to_many_is_array(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_customers")
            .select("name, emb_orders(ref)")
            .order("id")
            .order("id", foreign_table="emb_orders")
        ),
    )

    assert response.data == [
        {"name": "Ada", "emb_orders": [{"ref": "A-10"}, {"ref": "A-11"}]},
        {"name": "Grace", "emb_orders": [{"ref": "G-12"}]},
        {"name": "Linus", "emb_orders": []},
    ]


def test_embed_nested_levels(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_order_items")
            .select("product, emb_orders(ref, emb_customers(name, city))")
            .eq("id", 103)
        ),
    )

    assert response.data == [
        {
            "product": "desk",
            "emb_orders": {"ref": "G-12", "emb_customers": {"name": "Grace", "city": "New York"}},
        }
    ]


def test_embed_nested_to_many_levels(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_customers")
            .select("name, emb_orders(ref, emb_order_items(product))")
            .eq("id", 1)
            .order("id", foreign_table="emb_orders")
            .order("id", foreign_table="emb_orders.emb_order_items")
        ),
    )

    assert response.data == [
        {
            "name": "Ada",
            "emb_orders": [
                {
                    "ref": "A-10",
                    "emb_order_items": [{"product": "pen"}, {"product": "ink"}, {"product": "pad"}],
                },
                {"ref": "A-11", "emb_order_items": []},
            ],
        }
    ]


def test_embed_star_selects_every_column(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: client.table("emb_orders").select("*, emb_customers(*)").eq("id", 12),
    )

    assert response.data == [
        {
            "id": 12,
            "customer_id": 2,
            "ref": "G-12",
            "total": 100.0,
            "emb_customers": {"id": 2, "name": "Grace", "city": "New York"},
        }
    ]


def test_embed_alias_names_key(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: client.table("emb_orders").select("ref, buyer:emb_customers(name)").eq("id", 10),
    )

    assert response.data == [{"ref": "A-10", "buyer": {"name": "Ada"}}]


def test_embed_one_to_one_is_object(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: client.table("emb_customers").select("name, emb_profiles(vip)").order("id"),
    )

    assert response.data == [
        {"name": "Ada", "emb_profiles": {"vip": True}},
        {"name": "Grace", "emb_profiles": {"vip": False}},
        {"name": "Linus", "emb_profiles": None},
    ]


def test_embed_one_to_one_reverse_is_object(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: client.table("emb_profiles").select("vip, emb_customers(name)").order("id"),
    )

    assert response.data == [
        {"vip": True, "emb_customers": {"name": "Ada"}},
        {"vip": False, "emb_customers": {"name": "Grace"}},
    ]


def test_embed_many_to_many_through_junction(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_orders")
            .select("ref, emb_tags(label)")
            .order("id")
            .order("id", foreign_table="emb_tags")
        ),
    )

    assert response.data == [
        {"ref": "A-10", "emb_tags": [{"label": "urgent"}, {"label": "gift"}]},
        {"ref": "A-11", "emb_tags": []},
        {"ref": "G-12", "emb_tags": [{"label": "gift"}]},
        {"ref": "X-13", "emb_tags": []},
    ]


def test_embed_self_reference_both_ways(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_employees")
            .select("name, manager:manager_id(name), reports:emb_employees(name)")
            .order("id")
            .order("id", foreign_table="reports")
        ),
    )

    assert response.data == [
        {"name": "Boss", "manager": None, "reports": [{"name": "Ann"}, {"name": "Bob"}]},
        {"name": "Ann", "manager": {"name": "Boss"}, "reports": [{"name": "Cy"}]},
        {"name": "Bob", "manager": {"name": "Boss"}, "reports": []},
        {"name": "Cy", "manager": {"name": "Ann"}, "reports": []},
    ]


def test_embed_hint_by_column_and_constraint(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    select = (
        "id, billing:emb_customers!billing_customer_id(name), "
        "shipping:emb_customers!emb_shipments_shipping_fkey(name)"
    )
    response = run_query(
        conformance_backend, flavour, lambda client: client.table("emb_shipments").select(select)
    )

    assert response.data == [{"id": 1, "billing": {"name": "Ada"}, "shipping": {"name": "Grace"}}]


def test_embed_ambiguous_is_pgrst201(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    with pytest.raises(APIError) as raised:
        run_query(
            conformance_backend,
            flavour,
            lambda client: client.table("emb_shipments").select("id, emb_customers(*)"),
        )

    error = raised.value
    assert error.code == "PGRST201"
    assert error.message == (
        "Could not embed because more than one relationship was found for 'emb_shipments' and 'emb_customers'"
    )
    assert error.hint == (
        "Try changing 'emb_customers' to one of the following: 'emb_customers!emb_shipments_billing_fkey', "
        "'emb_customers!emb_shipments_shipping_fkey'. Find the desired relationship in the 'details' key."
    )
    assert error.details == [
        {
            "cardinality": "many-to-one",
            "embedding": "emb_shipments with emb_customers",
            "relationship": (
                "emb_shipments_billing_fkey using emb_shipments(billing_customer_id) and emb_customers(id)"
            ),
        },
        {
            "cardinality": "many-to-one",
            "embedding": "emb_shipments with emb_customers",
            "relationship": (
                "emb_shipments_shipping_fkey using emb_shipments(shipping_customer_id) and emb_customers(id)"
            ),
        },
    ]


def test_embed_ambiguous_status_300(http: httpx.Client, flavour: Flavour) -> None:
    response = http.get("/emb_shipments", params={"select": "id,emb_customers(*)"})

    assert response.status_code == 300
    assert response.headers["proxy-status"] == "PostgREST; error=PGRST201"


def test_embed_no_relationship_is_pgrst200(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    with pytest.raises(APIError) as raised:
        run_query(
            conformance_backend,
            flavour,
            lambda client: client.table("emb_notes").select("id, emb_customers(*)"),
        )

    error = raised.value
    assert error.code == "PGRST200"
    assert (
        error.message
        == "Could not find a relationship between 'emb_notes' and 'emb_customers' in the schema cache"
    )
    assert error.details == (
        "Searched for a foreign key relationship between 'emb_notes' and 'emb_customers' in the schema "
        "'public', but no matches were found."
    )


def test_embed_unknown_hint_is_pgrst200(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    with pytest.raises(APIError) as raised:
        run_query(
            conformance_backend,
            flavour,
            lambda client: client.table("emb_shipments").select("id, emb_customers!no_such_fkey(*)"),
        )

    assert raised.value.code == "PGRST200"
    assert raised.value.details == (
        "Searched for a foreign key relationship between 'emb_shipments' and 'emb_customers' using the hint "
        "'no_such_fkey' in the schema 'public', but no matches were found."
    )


def test_embed_no_relationship_status_400(http: httpx.Client, flavour: Flavour) -> None:
    response = http.get("/emb_notes", params={"select": "id,emb_customers(*)"})

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST200"


def test_embed_typo_hint_suggests_target(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    with pytest.raises(APIError) as raised:
        run_query(
            conformance_backend,
            flavour,
            lambda client: client.table("emb_customers").select("id, emb_order(*)"),
        )

    assert raised.value.code == "PGRST200"
    assert raised.value.hint == "Perhaps you meant 'emb_orders' instead of 'emb_order'."


def test_embed_filter_limits_embedded_rows(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_customers")
            .select("name, emb_orders(ref)")
            .gt("emb_orders.total", 10)
            .order("id")
        ),
    )

    assert response.data == [
        {"name": "Ada", "emb_orders": [{"ref": "A-10"}]},
        {"name": "Grace", "emb_orders": [{"ref": "G-12"}]},
        {"name": "Linus", "emb_orders": []},
    ]


def test_embed_filter_to_one_gives_null(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_orders")
            .select("ref, buyer:emb_customers(name)")
            .eq("buyer.name", "Ada")
            .order("id")
        ),
    )

    assert response.data == [
        {"ref": "A-10", "buyer": {"name": "Ada"}},
        {"ref": "A-11", "buyer": {"name": "Ada"}},
        {"ref": "G-12", "buyer": None},
        {"ref": "X-13", "buyer": None},
    ]


def test_embed_inner_filters_parents(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_customers")
            .select("name, emb_orders!inner(ref)", count="exact")
            .gt("emb_orders.total", 10)
            .order("id")
        ),
    )

    assert response.data == [
        {"name": "Ada", "emb_orders": [{"ref": "A-10"}]},
        {"name": "Grace", "emb_orders": [{"ref": "G-12"}]},
    ]
    assert response.count == 2


def test_embed_inner_to_one_filters_parents(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_orders")
            .select("ref, emb_customers!inner(name)")
            .eq("emb_customers.city", "London")
            .order("id")
        ),
    )

    assert response.data == [
        {"ref": "A-10", "emb_customers": {"name": "Ada"}},
        {"ref": "A-11", "emb_customers": {"name": "Ada"}},
    ]


def test_embed_inner_empty_select_omits_key(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_orders").select("ref, emb_customers!inner()").eq("emb_customers.name", "Grace")
        ),
    )

    assert response.data == [{"ref": "G-12"}]


def test_embed_not_null_filter_keeps_matches(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_customers")
            .select("name, emb_orders(ref)", count="exact")
            .not_.is_("emb_orders", "null")
            .eq("emb_orders.ref", "G-12")
        ),
    )

    assert response.data == [{"name": "Grace", "emb_orders": [{"ref": "G-12"}]}]
    assert response.count == 1


def test_embed_null_filter_keeps_unmatched(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_customers").select("name, emb_orders(ref)").is_("emb_orders", "null")
        ),
    )

    assert response.data == [{"name": "Linus", "emb_orders": []}]


def test_embed_order_limit_offset(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_orders")
            .select("ref, emb_order_items(product)")
            .eq("id", 10)
            .order("qty", desc=True, foreign_table="emb_order_items")
            .range(1, 2, foreign_table="emb_order_items")
        ),
    )

    assert response.data == [{"ref": "A-10", "emb_order_items": [{"product": "pen"}, {"product": "ink"}]}]


def test_embed_limit_counts_per_parent(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_customers")
            .select("name, emb_orders(ref)")
            .order("id")
            .order("total", foreign_table="emb_orders")
            .limit(1, foreign_table="emb_orders")
        ),
    )

    assert response.data == [
        {"name": "Ada", "emb_orders": [{"ref": "A-11"}]},
        {"name": "Grace", "emb_orders": [{"ref": "G-12"}]},
        {"name": "Linus", "emb_orders": []},
    ]


def test_embed_order_by_to_one_column(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_orders")
            .select("ref, emb_customers(name)")
            .order("emb_customers(name)", desc=True, nullsfirst=False)
            .order("id")
        ),
    )

    assert [row["ref"] for row in response.data] == ["G-12", "A-10", "A-11", "X-13"]


def test_embed_order_to_many_is_pgrst118(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    with pytest.raises(APIError) as raised:
        run_query(
            conformance_backend,
            flavour,
            lambda client: (
                client.table("emb_customers").select("name, emb_orders(ref)").order("emb_orders(ref)")
            ),
        )

    assert raised.value.code == "PGRST118"
    assert raised.value.message == "A related order on 'emb_orders' is not possible"
    assert (
        raised.value.details
        == "'emb_customers' and 'emb_orders' do not form a many-to-one or one-to-one relationship"
    )


def test_embed_filter_not_embedded_is_pgrst108(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    with pytest.raises(APIError) as raised:
        run_query(
            conformance_backend,
            flavour,
            lambda client: client.table("emb_customers").select("name").eq("emb_orders.ref", "x"),
        )

    assert raised.value.code == "PGRST108"
    assert raised.value.message == "'emb_orders' is not an embedded resource in this request"
    assert raised.value.hint == "Verify that 'emb_orders' is included in the 'select' query parameter."


def test_embed_not_embedded_status_400(http: httpx.Client, flavour: Flavour) -> None:
    response = http.get("/emb_customers", params={"select": "name", "emb_orders.limit": "1"})

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST108"


def test_embed_negative_limit_is_416(http: httpx.Client, flavour: Flavour) -> None:
    response = http.get("/emb_customers", params={"select": "name,emb_orders(ref)", "emb_orders.limit": "-1"})

    assert response.status_code == 416
    assert response.json()["code"] == "PGRST103"


def test_embed_view_follows_base_keys(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: client.table("emb_order_summaries").select("ref, emb_customers(name)").order("id"),
    )

    assert response.data == [
        {"ref": "A-10", "emb_customers": {"name": "Ada"}},
        {"ref": "A-11", "emb_customers": {"name": "Ada"}},
        {"ref": "G-12", "emb_customers": {"name": "Grace"}},
        {"ref": "X-13", "emb_customers": None},
    ]


def test_embed_view_from_table_side(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_customers")
            .select("name, emb_order_summaries(ref)")
            .order("id")
            .order("id", foreign_table="emb_order_summaries")
        ),
    )

    assert response.data == [
        {"name": "Ada", "emb_order_summaries": [{"ref": "A-10"}, {"ref": "A-11"}]},
        {"name": "Grace", "emb_order_summaries": [{"ref": "G-12"}]},
        {"name": "Linus", "emb_order_summaries": []},
    ]


def test_embed_view_over_view(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: client.table("emb_order_refs").select("ref, emb_customers(name)").eq("id", 12),
    )

    assert response.data == [{"ref": "G-12", "emb_customers": {"name": "Grace"}}]


def test_embed_view_computed_column_has_no_key(http: httpx.Client, flavour: Flavour) -> None:
    response = http.get("/emb_order_refs", params={"select": "ref,computed_ref(name)"})

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST200"


def test_embed_single_row_object(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: client.table("emb_orders").select("ref, emb_customers(name)").eq("id", 11).single(),
    )

    assert response.data == {"ref": "A-11", "emb_customers": {"name": "Ada"}}


def test_embed_in_insert_response(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    item_id = 900 if flavour == "sync" else 901
    row = {"id": item_id, "order_id": 12, "product": "lamp", "qty": 1}
    service_key = conformance_backend.service_role_key
    try:
        response = run_query(
            conformance_backend,
            flavour,
            lambda client: client.table("emb_order_items").insert(row).select("product, emb_orders(ref)"),
            key=service_key,
        )
    finally:
        with rest_http_client(conformance_backend, conformance_backend.service_role_key) as service:
            service.delete("/emb_order_items", params={"id": f"eq.{item_id}"})

    assert response.data == [{"product": "lamp", "emb_orders": {"ref": "G-12"}}]


def test_embed_in_update_response(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    with rest_http_client(conformance_backend, conformance_backend.service_role_key) as service:
        response = service.patch(
            "/emb_orders",
            params={"id": "eq.10", "select": "ref,emb_customers(name),emb_order_items(product)"},
            json={"ref": "A-10"},
            headers={"Prefer": "return=representation"},
        )

    assert response.status_code == 200
    assert response.json() == [
        {
            "ref": "A-10",
            "emb_customers": {"name": "Ada"},
            "emb_order_items": [{"product": "pen"}, {"product": "ink"}, {"product": "pad"}],
        }
    ]


def test_embed_in_write_unknown_is_pgrst200(http: httpx.Client, flavour: Flavour) -> None:
    response = http.post(
        "/emb_notes",
        params={"select": "id,emb_customers(*)"},
        json={"id": 99, "body": "never written"},
        headers={"Prefer": "return=representation"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "PGRST200"
