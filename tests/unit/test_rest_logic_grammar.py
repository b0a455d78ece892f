"""Parsing of logic trees, embedded resources and full-text filters, without a server."""

from __future__ import annotations

import pytest

from local_supabase.rest.errors import ApiError
from local_supabase.rest.grammar import parse_order, parse_select, run_parser
from local_supabase.rest.logic_tree import parse_logic_parameter
from local_supabase.rest.query_params import parse_query_string
from local_supabase.rest.query_types import EmbedItem, Field, Filter, LogicTree, SelectItem


def test_logic_tree_nested_and_negated() -> None:
    path, tree = parse_logic_parameter("or", "(a.eq.1,not.and(b.gte.0,b.lte.9),c.is.null)")

    assert path == ()
    assert tree == LogicTree(
        "or",
        (
            Filter(Field("a"), "eq", "1"),
            LogicTree("and", (Filter(Field("b"), "gte", "0"), Filter(Field("b"), "lte", "9")), negated=True),
            Filter(Field("c"), "is", "null"),
        ),
    )


def test_logic_tree_quoted_values() -> None:
    _, tree = parse_logic_parameter("or", '(name.eq."a,b (c)",name.eq."say \\"hi\\"")')

    assert tree.conditions == (
        Filter(Field("name"), "eq", "a,b (c)"),
        Filter(Field("name"), "eq", 'say "hi"'),
    )


def test_logic_tree_lists_and_arrays() -> None:
    _, tree = parse_logic_parameter("and", "(id.in.(1,2),tags.cs.{a,b},id.not.in.(3))")

    assert tree.conditions == (
        Filter(Field("id"), "in", ("1", "2")),
        Filter(Field("tags"), "cs", "{a,b}"),
        Filter(Field("id"), "in", ("3",), negated=True),
    )


def test_logic_tree_full_text_config() -> None:
    _, tree = parse_logic_parameter("or", "(body.wfts(english).fat cats,id.eq.1)")

    assert tree.conditions[0] == Filter(Field("body"), "wfts", "fat cats", config="english")


def test_logic_key_embedded_negated() -> None:
    path, tree = parse_logic_parameter("orders.not.or", "(id.eq.1,id.eq.2)")

    assert path == ("orders",)
    assert tree.negated is True


@pytest.mark.parametrize("value", ["id.eq.1", "(id.eq.1", "(id.eq.1,)", "(id.nope.1)", "()", "(id.eq.1))"])
def test_logic_tree_invalid_is_pgrst100(value: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_logic_parameter("or", value)

    assert raised.value.code == "PGRST100"
    assert raised.value.message.startswith(f'"failed to parse logic tree ({value})"')


def test_select_embed_alias_hint_inner() -> None:
    items = run_parser(
        parse_select, "id,buyer:customers!customer_id!inner(name,orders(*))", "select parameter"
    )

    assert items == (
        SelectItem(Field("id")),
        EmbedItem(
            "customers",
            (SelectItem(Field("name")), EmbedItem("orders", (SelectItem(Field("*")),))),
            alias="buyer",
            hint="customer_id",
            join_type="inner",
        ),
    )


def test_select_empty_embed() -> None:
    assert run_parser(parse_select, "customers!inner()", "select parameter") == (
        EmbedItem("customers", (), join_type="inner"),
    )


def test_order_related_column() -> None:
    terms = run_parser(parse_order, "customers(name).desc.nullslast,id", "order")

    assert terms[0].relation == "customers"
    assert terms[0].field == Field("name")
    assert terms[0].direction == "desc"
    assert terms[0].nulls == "nullslast"
    assert terms[1].relation is None


def test_query_embedded_modifiers_by_path() -> None:
    params = parse_query_string(
        "select=*,orders(items(*))&orders.items.qty=gt.1&orders.order=id.desc&orders.limit=2&orders.offset=1"
    )

    assert params.embedded[("orders", "items")].conditions == [Filter(Field("qty"), "gt", "1")]
    assert params.embedded[("orders",)].limit == 2
    assert params.embedded[("orders",)].offset == 1
    assert params.embedded[("orders",)].order[0].direction == "desc"


def test_query_full_text_filter() -> None:
    params = parse_query_string("body=not.phfts(english).fat+cat")

    assert params.filters == (Filter(Field("body"), "phfts", "fat cat", negated=True, config="english"),)
