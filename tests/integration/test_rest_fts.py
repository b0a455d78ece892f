"""Full-text search filters `fts`, `plfts`, `phfts` and `wfts`, with supabase-py's sync and async clients.

The articles live in the conformance project's `emb_articles` table, whose `body_search` column is a
tsvector made with the `english` configuration. As in PostgREST, each operator turns its operand into a
tsquery with `to_tsquery`, `plainto_tsquery`, `phraseto_tsquery` or `websearch_to_tsquery`, using the
configuration in parentheses when one is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


def article_ids(
    backend: RunningBackend, flavour: Flavour, column: str, query: str, options: dict[str, Any] | None = None
) -> list[int]:
    """Return the ids of the articles that `text_search(column, query, options)` keeps, in id order."""
    response = run_query(
        backend,
        flavour,
        lambda client: (
            client.table("emb_articles").select("id").text_search(column, query, options).order("id")
        ),
    )
    return [row["id"] for row in response.data]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_fts_tsvector_column(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    assert article_ids(conformance_backend, flavour, "body_search", "cat & !fat") == [1, 2]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_fts_with_config(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    # The english configuration stems "cats" to "cat", so all three articles about cats match.
    assert article_ids(conformance_backend, flavour, "body_search", "cats", {"config": "english"}) == [
        1,
        2,
        4,
    ]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_fts_text_column(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    assert article_ids(conformance_backend, flavour, "body", "bird", {"config": "english"}) == [3]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_plfts_plain_words(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    assert article_ids(conformance_backend, flavour, "body_search", "fat cat", {"type": "plain"}) == [4]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_phfts_phrase(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    options = {"type": "phrase", "config": "english"}

    assert article_ids(conformance_backend, flavour, "body_search", "cat sat", options) == [1]
    assert article_ids(conformance_backend, flavour, "body_search", "sat cat", options) == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_wfts_web_search(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    options = {"type": "web_search", "config": "english"}

    assert article_ids(conformance_backend, flavour, "body_search", "cat -fat", options) == [1, 2]
    assert article_ids(conformance_backend, flavour, "body_search", '"fat cat" or bird', options) == [3, 4]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_fts_negated(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: client.table("emb_articles").select("id").not_.fts("body_search", "cat").order("id"),
    )

    assert [row["id"] for row in response.data] == [3]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_fts_inside_or(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    response = run_query(
        conformance_backend,
        flavour,
        lambda client: (
            client.table("emb_articles")
            .select("id")
            .or_("body_search.wfts(english).bird,title.eq.Dogs")
            .order("id")
        ),
    )

    assert [row["id"] for row in response.data] == [2, 3]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_fts_unknown_config_is_42704(conformance_backend: RunningBackend, flavour: Flavour) -> None:
    with pytest.raises(APIError) as raised:
        article_ids(conformance_backend, flavour, "body_search", "cat", {"config": "klingon"})

    assert raised.value.code == "42704"
    assert raised.value.message == 'text search configuration "klingon" does not exist'


def test_fts_unknown_config_status_400(http: httpx.Client) -> None:
    response = http.get("/emb_articles", params={"select": "id", "body_search": "fts(klingon).cat"})

    assert response.status_code == 400


def test_fts_bad_query_syntax_is_42601(http: httpx.Client) -> None:
    response = http.get("/emb_articles", params={"select": "id", "body_search": "fts.cat &"})

    assert response.status_code == 400
    assert response.json()["code"] == "42601"


def test_fts_query_string_wire_format(http: httpx.Client) -> None:
    response = http.get("/emb_articles", params={"select": "id", "body_search": "plfts(english).fat cats"})

    assert response.status_code == 200
    assert response.json() == [{"id": 4}]
