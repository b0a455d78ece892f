"""Argument parsing and overload resolution for `/rpc/<name>` requests, following PostgREST's rules.

Arguments are matched by name. A function matches when every required parameter has an argument and every
argument names a parameter. A POST with a JSON body may also call a function whose one parameter is an
unnamed json or jsonb, which then gets the whole body.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from urllib.parse import parse_qsl, urlencode

from . import grammar
from .errors import ApiError, invalid_body, not_implemented
from .query_params import MODIFIERS, RESERVED
from .query_types import Field
from .rpc_catalogue import Routine


@dataclass(frozen=True)
class CallArguments:
    """The arguments of one call: a JSON document from a POST body, or text values from a GET query.

    `keys` are the argument names the request gives. `json_body` is the POST body as sent. `text_values`
    maps each GET argument to its values, several when the key repeats (for a variadic parameter).
    """

    keys: frozenset[str]
    json_body: str | None = None
    body_is_array: bool = False
    text_values: dict[str, list[str]] | None = None


def _is_filter(value: str) -> bool:
    """Tell a filter (`eq.5`) from an argument value (`5`) as PostgREST does: filters parse as operators."""
    try:
        grammar.run_parser(partial(grammar.parse_operation, field=Field("_")), value, "filter")
    except ApiError as error:
        return error.code != "PGRST100"
    return True


def split_query_arguments(query_string: str) -> tuple[dict[str, list[str]], str]:
    """Split a GET query into function arguments and the query that filters and shapes the result."""
    arguments: dict[str, list[str]] = {}
    filter_pairs: list[tuple[str, str]] = []
    for key, value in parse_qsl(query_string, keep_blank_values=True, errors="replace"):
        is_parameter_key = key not in RESERVED and key.split(".")[-1] not in MODIFIERS and "." not in key
        if is_parameter_key and value and not _is_filter(value):
            arguments.setdefault(key, []).append(value)
        else:
            filter_pairs.append((key, value))
    return arguments, urlencode(filter_pairs)


def read_body_arguments(body: bytes, content_type: str | None) -> CallArguments:
    """Read the JSON body of a POST call. An empty body calls the function without arguments."""
    mime = (content_type or "application/json").split(";")[0].strip().lower()
    if mime == "application/x-www-form-urlencoded":
        raise not_implemented("form-encoded arguments for functions (Content-Type: " + mime + ")")
    if mime != "application/json":
        raise invalid_body(f"Content-Type not acceptable: {mime}")
    text = body.decode("utf-8", errors="replace").strip() or "{}"
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        raise invalid_body("Empty or invalid json") from None

    if isinstance(document, dict):
        return CallArguments(keys=frozenset(document), json_body=text)
    if isinstance(document, list) and document and all(isinstance(item, dict) for item in document):
        return CallArguments(keys=frozenset(document[0]), json_body=text, body_is_array=True)
    return CallArguments(keys=frozenset(), json_body=text)


def _matches(routine: Routine, keys: frozenset[str]) -> bool:
    if not routine.params:
        return not keys
    if any(not param.name for param in routine.params):
        return False
    return routine.required_names <= keys <= routine.required_names | routine.optional_names


def choose_routine(
    schema: str,
    name: str,
    overloads: list[Routine],
    arguments: CallArguments,
    similar_name: Callable[[], str | None],
) -> Routine:
    """Pick the one overload the arguments fit: 404 PGRST202 when none does, 300 PGRST203 when several do.

    `similar_name` returns a name close to `name` for the hint, and runs only when `name` has no overload.
    """
    by_name = [routine for routine in overloads if _matches(routine, arguments.keys)]
    is_post = arguments.json_body is not None
    fallback = [routine for routine in overloads if is_post and routine.single_unnamed_json_param]

    chosen = by_name or fallback
    if len(chosen) == 1:
        return chosen[0]
    if len(chosen) > 1:
        raise ApiError(
            300,
            "PGRST203",
            "Could not choose the best candidate function between: "
            + ", ".join(routine.signature() for routine in chosen),
            hint="Try renaming the parameters or the function itself in the database so function "
            "overloading can be resolved",
        )
    if overloads:
        # The function exists, so the hint names the closest parameter list among its overloads.
        similar = _closest_parameter_list(name, overloads, arguments.keys)
    else:
        similar = similar_name()
    raise function_not_found(schema, name, sorted(arguments.keys), is_post=is_post, similar=similar)


def _closest_parameter_list(name: str, overloads: list[Routine], keys: frozenset[str]) -> str | None:
    lists = [f"({', '.join(sorted(param.name for param in routine.params))})" for routine in overloads]
    wanted = f"({', '.join(sorted(keys))})"
    matches = difflib.get_close_matches(wanted, lists, n=1, cutoff=0.0)
    return f"{name}{matches[0]}" if matches else None


def function_not_found(
    schema: str, name: str, keys: list[str], *, is_post: bool, similar: str | None
) -> ApiError:
    qualified = f"{schema}.{name}"
    if keys:
        listed = f"({', '.join(keys)})"
        searched = f" with parameter{'s' if len(keys) > 1 else ''} {', '.join(keys)}"
    else:
        listed = " without parameters"
        searched = " without parameters"
    if is_post:
        searched += " or with a single unnamed json/jsonb parameter"
    hint = f"Perhaps you meant to call the function {schema}.{similar}" if similar else None
    return ApiError(
        404,
        "PGRST202",
        f"Could not find the function {qualified}{listed} in the schema cache",
        details=f"Searched for the function {qualified}{searched}, "
        "but no matches were found in the schema cache.",
        hint=hint,
    )
