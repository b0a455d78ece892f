"""Resource embedding: the plan and SQL of `select=*,customer(*),items(*)` through foreign keys.

Each embedded resource becomes a lateral subquery joined to its parent, shaped like PostgREST's own query.
A to-one resource is one row turned into a JSON object (`null` when there is none). A to-many resource is a
JSON array of rows (`[]` when there are none). `!inner` turns the LEFT JOIN into an INNER JOIN, so parents
without a match are left out. Filters, order, limit and offset on an embedded resource apply inside its
subquery and so shape the embedded rows, not the parents.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from .errors import ApiError
from .query_params import EmbedModifiers, QueryParams
from .query_types import (
    Condition,
    EmbedItem,
    Filter,
    LogicTree,
    NullEmbedFilter,
    OrderTerm,
    SelectEntry,
    SelectItem,
)
from .relationships import Relationship, find_relationship
from .schema_cache import CatalogueSnapshot, SchemaCache, Table
from .sql_builder import Snippet, condition_sql, join, order_sql, select_item_sql


@dataclass
class EmbedNode:
    """One embedded resource with its relationship to the parent and the modifiers that apply to it."""

    item: EmbedItem
    relationship: Relationship
    table: Table
    # The alias of the embedded table inside its subquery, and of the subquery in the parent's FROM.
    alias: str
    join_alias: str
    children: list[EmbedNode] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    order: tuple[OrderTerm, ...] = ()
    limit: int | None = None
    offset: int | None = None

    @property
    def name(self) -> str:
        return self.item.output_name

    @property
    def inner(self) -> bool:
        return self.item.join_type == "inner"

    @property
    def columns(self) -> list[SelectItem]:
        return [entry for entry in self.item.select if isinstance(entry, SelectItem)]

    @property
    def is_empty(self) -> bool:
        """True for `rel()`, which joins (for `!inner` or filters) but adds no key to the parent."""
        return not self.columns and all(child.is_empty for child in self.children)


@dataclass(frozen=True)
class EmbedPlan:
    """The embedded resources of a read, and the top-level conditions and order rewritten for them."""

    nodes: tuple[EmbedNode, ...]
    conditions: tuple[Condition, ...]
    order: tuple[OrderTerm, ...]

    def count_joins(self) -> Snippet:
        """Join what the total count depends on: inner embeddings and those named by `rel=is.null` filters."""
        referenced = set(_null_filter_relations(self.conditions))
        needed = [node for node in self.nodes if node.inner or node.join_alias in referenced]
        return _joins_sql(needed, None)


def not_embedded(name: str) -> ApiError:
    return ApiError(
        400,
        "PGRST108",
        f"'{name}' is not an embedded resource in this request",
        hint=f"Verify that '{name}' is included in the 'select' query parameter.",
    )


def related_order_not_to_one(origin: str, target: str) -> ApiError:
    return ApiError(
        400,
        "PGRST118",
        f"A related order on '{target}' is not possible",
        details=f"'{origin}' and '{target}' do not form a many-to-one or one-to-one relationship",
    )


def _null_filter_relations(conditions: Sequence[Condition]) -> Iterator[str]:
    for condition in conditions:
        if isinstance(condition, NullEmbedFilter):
            yield condition.relation
        elif isinstance(condition, LogicTree):
            yield from _null_filter_relations(condition.conditions)


def _find_child(nodes: Sequence[EmbedNode], name: str) -> EmbedNode | None:
    # An alias names the embedding, and so does the target's name, as PostgREST v13 and older accept.
    by_alias = next((node for node in nodes if node.name == name), None)
    return by_alias or next((node for node in nodes if node.item.target == name), None)


def _rewrite_null_filters(condition: Condition, nodes: Sequence[EmbedNode]) -> Condition:
    """Turn `rel=is.null` and `rel=not.is.null` into a test on the embedding's join, as PostgREST does."""
    if isinstance(condition, LogicTree):
        rewritten = tuple(_rewrite_null_filters(child, nodes) for child in condition.conditions)
        return replace(condition, conditions=rewritten)
    if (
        isinstance(condition, Filter)
        and condition.operator == "is"
        and condition.value == "null"
        and not condition.field.json_path
    ):
        node = next((node for node in nodes if node.name == condition.field.name), None)
        if node is not None:
            return NullEmbedFilter(node.join_alias, condition.negated)
    return condition


def _rewrite_order(
    terms: Sequence[OrderTerm], origin: Table, nodes: Sequence[EmbedNode]
) -> tuple[OrderTerm, ...]:
    """Point `order=rel(col)` at the join of a to-one embedding, which is the only kind it may name."""
    rewritten = []
    for term in terms:
        if term.relation is None:
            rewritten.append(term)
            continue
        node = next((node for node in nodes if node.name == term.relation), None)
        if node is None:
            raise not_embedded(term.relation)
        if not node.relationship.is_to_one:
            raise related_order_not_to_one(origin.name, term.relation)
        rewritten.append(replace(term, relation=node.join_alias))
    return tuple(rewritten)


class EmbedPlanner:
    """Resolve every embedded resource of a request against the relationships in the schema cache."""

    def __init__(self, snapshot: CatalogueSnapshot) -> None:
        self._snapshot = snapshot
        self._count = 0

    def plan(self, table: Table, params: QueryParams) -> EmbedPlan:
        nodes = self._plan_level(table, params.select)
        for path, modifiers in params.embedded.items():
            self._attach(nodes, path, modifiers)
        conditions = tuple(_rewrite_null_filters(condition, nodes) for condition in params.filters)
        return EmbedPlan(tuple(nodes), conditions, _rewrite_order(params.order, table, nodes))

    def _plan_level(self, table: Table, select: Sequence[SelectEntry]) -> list[EmbedNode]:
        nodes = []
        for entry in select:
            if not isinstance(entry, EmbedItem):
                continue
            relationship = find_relationship(
                self._snapshot.relationships,
                self._snapshot.views,
                (table.schema, table.name),
                entry.target,
                entry.hint,
            )
            foreign = self._snapshot.tables[relationship.foreign_table]
            self._count += 1
            node = EmbedNode(
                item=entry,
                relationship=relationship,
                table=foreign,
                alias=f"pgrst_{self._count}",
                join_alias=f"pgrst_{self._count}_{entry.output_name}",
            )
            node.children = self._plan_level(foreign, entry.select)
            nodes.append(node)
        return nodes

    def _attach(self, nodes: list[EmbedNode], path: tuple[str, ...], modifiers: EmbedModifiers) -> None:
        level = nodes
        node: EmbedNode | None = None
        for name in path:
            node = _find_child(level, name)
            if node is None:
                raise not_embedded(name)
            level = node.children
        assert node is not None, "an embedding path has at least one name"

        node.conditions.extend(
            _rewrite_null_filters(condition, node.children) for condition in modifiers.conditions
        )
        if modifiers.order:
            node.order = _rewrite_order(modifiers.order, node.table, node.children)
        if modifiers.limit is not None:
            node.limit = modifiers.limit
        if modifiers.offset is not None:
            node.offset = modifiers.offset


def has_embeds(params: QueryParams) -> bool:
    """Tell whether a request names embedded resources in its select, filters, modifiers or order."""
    selected = any(isinstance(item, EmbedItem) for item in params.select)
    return selected or bool(params.embedded) or any(term.relation is not None for term in params.order)


def parent_columns(nodes: Sequence[EmbedNode]) -> list[str]:
    """Name the columns of the parent that the joins of `nodes` read, which a write must return."""
    names: list[str] = []
    for node in nodes:
        junction = node.relationship.junction
        if junction is None:
            names.extend(local for local, _ in node.relationship.columns)
        else:
            names.extend(source for _, source in junction.source_columns)
    return names


def plan_embeds(snapshot: CatalogueSnapshot, table: Table, params: QueryParams) -> EmbedPlan:
    return EmbedPlanner(snapshot).plan(table, params)


async def plan_embeds_with_reload(schema_cache: SchemaCache, table: Table, params: QueryParams) -> EmbedPlan:
    """Plan the embedded resources of a request, reloading the schema cache once if a relationship is missing.

    The reload finds foreign keys added after the cache was loaded, as the schema cache does for new tables.
    """
    try:
        return plan_embeds(await schema_cache.snapshot(), table, params)
    except ApiError as error:
        if error.code != "PGRST200":
            raise
    return plan_embeds(await schema_cache.reload(), table, params)


def _join_conditions(node: EmbedNode, parent: tuple[str, ...]) -> list[Snippet]:
    relationship = node.relationship
    own = (node.alias,)
    junction = relationship.junction
    if junction is None:
        return [
            Snippet.ident(*own, foreign) + " = " + Snippet.ident(*parent, local)
            for local, foreign in relationship.columns
        ]

    junction_alias = (f"{node.alias}_junction",)
    to_target = [
        Snippet.ident(*junction_alias, junction_column) + " = " + Snippet.ident(*own, target_column)
        for junction_column, target_column in junction.target_columns
    ]
    to_source = [
        Snippet.ident(*junction_alias, junction_column) + " = " + Snippet.ident(*parent, source_column)
        for junction_column, source_column in junction.source_columns
    ]
    return to_target + to_source


def _from_sql(node: EmbedNode) -> Snippet:
    table = node.table
    source = " FROM " + Snippet.ident(table.schema, table.name) + " AS " + Snippet.ident(node.alias)
    junction = node.relationship.junction
    if junction is not None:
        source = (
            source + ", " + Snippet.ident(*junction.table) + " AS " + Snippet.ident(f"{node.alias}_junction")
        )
    return source


def select_sql(
    relation: tuple[str, ...], columns: Sequence[SelectItem], table: Table | None, nodes: Sequence[EmbedNode]
) -> Snippet:
    """List the selected columns of `relation` followed by one JSON value per non-empty embedding."""
    parts = [select_item_sql(relation, item, table) for item in columns]
    if not columns and not nodes:
        # With nothing named, as in `rel()`, the rows keep every column, as `*` does. PostgreSQL accepts an
        # empty select list, which the remaining case of only empty embeddings produces, as in PostgREST.
        parts.append(Snippet.ident(*relation) + ".*")
    for node in nodes:
        if node.is_empty:
            continue
        join_alias = Snippet.ident(node.join_alias)
        if node.relationship.is_to_one:
            parts.append("row_to_json(" + join_alias + ".*)::jsonb AS " + Snippet.ident(node.name))
        else:
            parts.append(
                "COALESCE(" + join_alias + "." + join_alias + ", '[]') AS " + Snippet.ident(node.name)
            )
    return join(", ", parts)


def _subquery_sql(node: EmbedNode, parent: tuple[str, ...]) -> Snippet:
    """Build the SELECT of one embedding's rows, correlated with its parent row."""
    relation = (node.alias,)
    query = "SELECT " + select_sql(relation, node.columns, node.table, node.children) + _from_sql(node)
    query = query + _joins_sql(node.children, relation)

    conditions = _join_conditions(node, parent)
    conditions += [condition_sql(relation, condition, node.table) for condition in node.conditions]
    query = query + " WHERE " + join(" AND ", conditions)
    query = query + order_sql(relation, node.order, node.table)
    if node.limit is not None:
        query = query + " LIMIT " + Snippet.value(node.limit)
    if node.offset:
        query = query + " OFFSET " + Snippet.value(node.offset)
    return query


def _joins_sql(nodes: Sequence[EmbedNode], parent: tuple[str, ...] | None) -> Snippet:
    """Build the lateral joins of `nodes`, correlated with `parent`, or with the root table for None."""
    result = Snippet()
    for node in nodes:
        # The root table is not aliased, so it is referred to by its qualified name.
        parent_relation = parent if parent is not None else node.relationship.table
        subquery = _subquery_sql(node, parent_relation)
        join_alias = Snippet.ident(node.join_alias)
        kind = " INNER JOIN LATERAL (" if node.inner else " LEFT JOIN LATERAL ("
        if node.relationship.is_to_one:
            result = result + kind + subquery + ") AS " + join_alias + " ON TRUE"
        else:
            aggregate = (
                "SELECT json_agg("
                + join_alias
                + ")::jsonb AS "
                + join_alias
                + " FROM ("
                + subquery
                + ") AS "
                + join_alias
            )
            condition = join_alias + " IS NOT NULL" if node.inner else Snippet.raw("TRUE")
            result = result + kind + aggregate + ") AS " + join_alias + " ON " + condition
    return result


def joins_sql(nodes: Sequence[EmbedNode], parent: tuple[str, ...] | None = None) -> Snippet:
    """Build the lateral joins of `nodes` on the root table, or on `parent`, such as a write's result rows."""
    return _joins_sql(nodes, parent)
