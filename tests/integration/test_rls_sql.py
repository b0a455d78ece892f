"""Row-level security on the team tables, checked in SQL as each API role on the demo seed.

Each check runs in one transaction that switches to the API role and sets the JWT claims as
PostgREST does, then rolls back, so no test changes the seed for the next one.

Seeded roles: Acme has alice (owner), bob (member), dave (viewer) and gina (member). Globex
has carol (admin), erin (member), frank (viewer) and gina (viewer).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import bcrypt
import pytest
from psycopg import errors

from tests.support.clients import Connection

ACME = "20000000-0000-4000-8000-000000000001"
GLOBEX = "20000000-0000-4000-8000-000000000002"
TEAM_IDS = {"acme": ACME, "globex": GLOBEX}
ORDER_COUNTS = {"acme": 2500, "globex": 1200}
CUSTOMERS_PER_TEAM = 200
SEED_PASSWORD = "demo-password"
# The teams each seeded user belongs to. The anon role is no user and belongs to no team.
USER_TEAMS = {
    "alice": {"acme"},
    "bob": {"acme"},
    "dave": {"acme"},
    "gina": {"acme", "globex"},
    "carol": {"globex"},
    "erin": {"globex"},
    "frank": {"globex"},
    "anon": set(),
}


@pytest.fixture(scope="module")
def user_ids(db: Connection) -> dict[str, str]:
    """Map each seeded user's name (the local part of their email) to their id."""
    rows = db.execute(
        "select split_part(email, '@', 1), id::text from auth.users where email like '%@example.com'"
    ).fetchall()
    return dict(rows)


@contextmanager
def acting_as(db: Connection, user_ids: dict[str, str], user: str) -> Iterator[Connection]:
    """Run the block as a seeded user, as "anon" or as "service_role", and roll everything back."""
    if user in ("anon", "service_role"):
        role = user
        claims: dict[str, Any] = {"role": user}
    else:
        role = "authenticated"
        claims = {
            "sub": user_ids[user],
            "role": "authenticated",
            "aud": "authenticated",
            "email": f"{user}@example.com",
        }

    with db.transaction(force_rollback=True):
        db.execute(
            "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
            (role, json.dumps(claims)),
        )
        yield db


def count_rows(conn: Connection, query: str, params: tuple[Any, ...] | None = None) -> int:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return int(row[0])


def first_customer_id(db: Connection, team: str) -> int:
    """Return a team's first customer id, read as the superuser that runs the tests."""
    return count_rows(db, "select min(id) from public.customers where team_id = %s", (TEAM_IDS[team],))


def insert_order(conn: Connection, team: str, customer_id: int | None = None) -> int:
    row = conn.execute(
        """
        insert into public.orders (team_id, order_no, customer_id, ordered_on, amount)
        values (%s, 'TEST-000001', %s, date '2025-06-01', 10.00)
        returning id
        """,
        (TEAM_IDS[team], customer_id),
    ).fetchone()
    assert row is not None
    return int(row[0])


# Reading


@pytest.mark.parametrize(
    ("user", "team", "expected"),
    [
        pytest.param("alice", "acme", 2500, id="alice-acme"),
        pytest.param("bob", "acme", 2500, id="bob-acme"),
        pytest.param("dave", "acme", 2500, id="dave-acme"),
        pytest.param("gina", "acme", 2500, id="gina-acme"),
        pytest.param("gina", "globex", 1200, id="gina-globex"),
        pytest.param("carol", "globex", 1200, id="carol-globex"),
        pytest.param("frank", "globex", 1200, id="frank-globex"),
        pytest.param("alice", "globex", 0, id="alice-globex"),
        pytest.param("bob", "globex", 0, id="bob-globex"),
        pytest.param("carol", "acme", 0, id="carol-acme"),
        pytest.param("erin", "acme", 0, id="erin-acme"),
        pytest.param("anon", "acme", 0, id="anon-acme"),
        pytest.param("anon", "globex", 0, id="anon-globex"),
        pytest.param("service_role", "acme", 2500, id="service_role-acme"),
        pytest.param("service_role", "globex", 1200, id="service_role-globex"),
    ],
)
def test_orders_visible_per_team(
    db: Connection, user_ids: dict[str, str], user: str, team: str, expected: int
) -> None:
    with acting_as(db, user_ids, user) as conn:
        visible = count_rows(conn, "select count(*) from public.orders where team_id = %s", (TEAM_IDS[team],))

    assert visible == expected


@pytest.mark.parametrize("user", [pytest.param(user, id=user) for user in USER_TEAMS])
def test_orders_unfiltered_read_stays_in_own_teams(
    db: Connection, user_ids: dict[str, str], user: str
) -> None:
    with acting_as(db, user_ids, user) as conn:
        visible = count_rows(conn, "select count(*) from public.orders")

    assert visible == sum(ORDER_COUNTS[team] for team in USER_TEAMS[user])


@pytest.mark.parametrize("user", [pytest.param(user, id=user) for user in USER_TEAMS])
def test_customers_visible_only_in_own_teams(db: Connection, user_ids: dict[str, str], user: str) -> None:
    with acting_as(db, user_ids, user) as conn:
        rows = conn.execute("select team_id::text, count(*) from public.customers group by 1").fetchall()

    expected = {TEAM_IDS[team]: CUSTOMERS_PER_TEAM for team in USER_TEAMS[user]}
    assert dict(rows) == expected


@pytest.mark.parametrize("user", [pytest.param(user, id=user) for user in USER_TEAMS])
def test_account_groups_visible_only_when_member(db: Connection, user_ids: dict[str, str], user: str) -> None:
    with acting_as(db, user_ids, user) as conn:
        names = {name for (name,) in conn.execute("select name from public.account_groups").fetchall()}

    assert names == {team.capitalize() for team in USER_TEAMS[user]}


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        pytest.param("bob", {("acme", 4)}, id="bob"),
        pytest.param("frank", {("globex", 4)}, id="frank"),
        pytest.param("gina", {("acme", 4), ("globex", 4)}, id="gina"),
        pytest.param("anon", set(), id="anon"),
    ],
)
def test_memberships_visible_per_team(
    db: Connection, user_ids: dict[str, str], user: str, expected: set[tuple[str, int]]
) -> None:
    with acting_as(db, user_ids, user) as conn:
        rows = conn.execute(
            "select lower(g.name), count(*) from public.memberships as m"
            " join public.account_groups as g on g.id = m.team_id group by 1"
        ).fetchall()

    assert set(rows) == expected


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        pytest.param("alice", {"henry@example.com"}, id="alice-owner"),
        pytest.param("carol", {"ivy@example.com"}, id="carol-admin"),
        pytest.param("bob", set(), id="bob-member"),
        pytest.param("dave", set(), id="dave-viewer"),
        pytest.param("gina", set(), id="gina-member-and-viewer"),
        pytest.param("anon", set(), id="anon"),
    ],
)
def test_invitations_visible_to_admins_only(
    db: Connection, user_ids: dict[str, str], user: str, expected: set[str]
) -> None:
    with acting_as(db, user_ids, user) as conn:
        emails = {email for (email,) in conn.execute("select email from public.invited_users").fetchall()}

    assert emails == expected


# Writing orders and customers


@pytest.mark.parametrize(
    ("user", "team"),
    [
        pytest.param("alice", "acme", id="alice-owner-acme"),
        pytest.param("bob", "acme", id="bob-member-acme"),
        pytest.param("gina", "acme", id="gina-member-acme"),
        pytest.param("carol", "globex", id="carol-admin-globex"),
        pytest.param("erin", "globex", id="erin-member-globex"),
    ],
)
def test_orders_insert_allowed_for_members(
    db: Connection, user_ids: dict[str, str], user: str, team: str
) -> None:
    with acting_as(db, user_ids, user) as conn:
        order_id = insert_order(conn, team)
        visible = count_rows(conn, "select count(*) from public.orders where id = %s", (order_id,))

    assert visible == 1


@pytest.mark.parametrize(
    ("user", "team"),
    [
        pytest.param("dave", "acme", id="dave-viewer-acme"),
        pytest.param("frank", "globex", id="frank-viewer-globex"),
        pytest.param("gina", "globex", id="gina-viewer-globex"),
        pytest.param("carol", "acme", id="carol-other-team"),
        pytest.param("bob", "globex", id="bob-other-team"),
        pytest.param("anon", "acme", id="anon"),
    ],
)
def test_orders_insert_rejected_without_write_role(
    db: Connection, user_ids: dict[str, str], user: str, team: str
) -> None:
    with acting_as(db, user_ids, user) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            insert_order(conn, team)


@pytest.mark.parametrize(
    ("user", "team"),
    [
        pytest.param("dave", "acme", id="dave-viewer-acme"),
        pytest.param("frank", "globex", id="frank-viewer-globex"),
        pytest.param("carol", "acme", id="carol-other-team"),
    ],
)
def test_customers_insert_rejected_without_write_role(
    db: Connection, user_ids: dict[str, str], user: str, team: str
) -> None:
    with acting_as(db, user_ids, user) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(
                "insert into public.customers (team_id, customer_no, name)"
                " values (%s, 'TEST-1', 'Test GmbH')",
                (TEAM_IDS[team],),
            )


def test_customers_insert_allowed_for_member(db: Connection, user_ids: dict[str, str]) -> None:
    with acting_as(db, user_ids, "bob") as conn:
        row = conn.execute(
            "insert into public.customers (team_id, customer_no, name) values (%s, 'TEST-1', 'Test GmbH')"
            " returning name",
            (ACME,),
        ).fetchone()

    assert row == ("Test GmbH",)


@pytest.mark.parametrize(
    ("user", "table", "expected"),
    [
        pytest.param("bob", "orders", 1, id="bob-member-orders"),
        pytest.param("alice", "orders", 1, id="alice-owner-orders"),
        pytest.param("dave", "orders", 0, id="dave-viewer-orders"),
        pytest.param("carol", "orders", 0, id="carol-other-team-orders"),
        pytest.param("bob", "customers", 1, id="bob-member-customers"),
        pytest.param("dave", "customers", 0, id="dave-viewer-customers"),
        pytest.param("gina", "customers", 1, id="gina-member-customers"),
    ],
)
def test_acme_row_update_by_role(
    db: Connection, user_ids: dict[str, str], user: str, table: str, expected: int
) -> None:
    """An update the policies do not allow changes no row and raises no error, as in PostgREST."""
    target = count_rows(db, f"select min(id) from public.{table} where team_id = %s", (ACME,))

    with acting_as(db, user_ids, user) as conn:
        cursor = conn.execute(f"update public.{table} set note = 'changed' where id = %s", (target,))
        updated = cursor.rowcount

    assert updated == expected


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        pytest.param("bob", 1, id="bob-member"),
        pytest.param("dave", 0, id="dave-viewer"),
        pytest.param("erin", 0, id="erin-other-team"),
    ],
)
def test_acme_order_delete_by_role(
    db: Connection, user_ids: dict[str, str], user: str, expected: int
) -> None:
    with acting_as(db, user_ids, user) as conn:
        deleted = conn.execute("delete from public.orders where order_no = 'ACME-000002'").rowcount

    assert deleted == expected


def test_viewer_update_leaves_row_unchanged(db: Connection, user_ids: dict[str, str]) -> None:
    with acting_as(db, user_ids, "dave") as conn:
        conn.execute("update public.orders set status = 'cancelled' where order_no = 'ACME-000003'")
        row = conn.execute("select status::text from public.orders where order_no = 'ACME-000003'").fetchone()

    assert row is not None
    assert row[0] != "cancelled"


@pytest.mark.parametrize(
    ("user", "statement"),
    [
        pytest.param("anon", "update public.orders set note = 'changed'", id="anon-update"),
        pytest.param("anon", "delete from public.orders", id="anon-delete"),
        pytest.param("anon", "truncate public.orders", id="anon-truncate"),
        pytest.param("bob", "truncate public.orders", id="member-truncate"),
    ],
)
def test_write_privilege_missing(db: Connection, user_ids: dict[str, str], user: str, statement: str) -> None:
    with acting_as(db, user_ids, user) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(statement)


def test_orders_move_to_other_team_rejected(db: Connection, user_ids: dict[str, str]) -> None:
    with acting_as(db, user_ids, "bob") as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("update public.orders set team_id = %s where order_no = 'ACME-000004'", (GLOBEX,))


def test_orders_link_to_other_team_customer_rejected(db: Connection, user_ids: dict[str, str]) -> None:
    globex_customer = first_customer_id(db, "globex")

    with acting_as(db, user_ids, "bob") as conn:
        with pytest.raises(errors.ForeignKeyViolation):
            insert_order(conn, "acme", customer_id=globex_customer)


def test_orders_link_to_own_team_customer_allowed(db: Connection, user_ids: dict[str, str]) -> None:
    acme_customer = first_customer_id(db, "acme")

    with acting_as(db, user_ids, "bob") as conn:
        order_id = insert_order(conn, "acme", customer_id=acme_customer)
        row = conn.execute("select customer_id from public.orders where id = %s", (order_id,)).fetchone()

    assert row == (acme_customer,)


@pytest.mark.parametrize(
    "table", [pytest.param("orders", id="orders"), pytest.param("customers", id="customers")]
)
def test_update_sets_updated_at(db: Connection, user_ids: dict[str, str], table: str) -> None:
    with acting_as(db, user_ids, "bob") as conn:
        row = conn.execute(
            f"update public.{table} set note = 'changed' where id = (select min(id) from public.{table}"
            " where team_id = %s) returning updated_at = now()",
            (ACME,),
        ).fetchone()

    assert row == (True,)


# Memberships, invitations and helper functions


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(
            "update public.memberships set role = 'owner'"
            " where user_id = '10000000-0000-4000-8000-000000000002'",
            id="update",
        ),
        pytest.param(
            "delete from public.memberships where user_id = '10000000-0000-4000-8000-000000000002'",
            id="delete",
        ),
    ],
)
def test_memberships_change_affects_no_row(db: Connection, user_ids: dict[str, str], statement: str) -> None:
    with acting_as(db, user_ids, "alice") as conn:
        changed = conn.execute(statement).rowcount

    assert changed == 0


def test_memberships_insert_rejected(db: Connection, user_ids: dict[str, str]) -> None:
    with acting_as(db, user_ids, "alice") as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(
                "insert into public.memberships (user_id, team_id, role) values (%s, %s, 'member')",
                (user_ids["carol"], ACME),
            )


@pytest.mark.parametrize(
    ("user", "team", "role"),
    [
        pytest.param("alice", "acme", "owner", id="owner-invites-owner"),
        pytest.param("carol", "globex", "admin", id="admin-invites-admin"),
        pytest.param("carol", "globex", "viewer", id="admin-invites-viewer"),
    ],
)
def test_invitations_insert_allowed(
    db: Connection, user_ids: dict[str, str], user: str, team: str, role: str
) -> None:
    with acting_as(db, user_ids, user) as conn:
        row = conn.execute(
            "insert into public.invited_users (team_id, email, role) values (%s, 'new@example.com', %s)"
            " returning invited_by::text",
            (TEAM_IDS[team], role),
        ).fetchone()

    assert row == (user_ids[user],)


@pytest.mark.parametrize(
    ("user", "team", "role"),
    [
        pytest.param("carol", "globex", "owner", id="admin-invites-owner"),
        pytest.param("erin", "globex", "member", id="member-invites"),
        pytest.param("frank", "globex", "viewer", id="viewer-invites"),
        pytest.param("alice", "globex", "member", id="other-team"),
        pytest.param("anon", "acme", "member", id="anon"),
    ],
)
def test_invitations_insert_rejected(
    db: Connection, user_ids: dict[str, str], user: str, team: str, role: str
) -> None:
    with acting_as(db, user_ids, user) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(
                "insert into public.invited_users (team_id, email, role) values (%s, 'new@example.com', %s)",
                (TEAM_IDS[team], role),
            )


def test_invitations_insert_rejects_other_inviter(db: Connection, user_ids: dict[str, str]) -> None:
    with acting_as(db, user_ids, "alice") as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(
                "insert into public.invited_users (team_id, email, invited_by)"
                " values (%s, 'new@example.com', %s)",
                (ACME, user_ids["bob"]),
            )


@pytest.mark.parametrize(
    ("user", "team", "min_role", "expected"),
    [
        pytest.param("alice", "acme", "owner", True, id="owner-is-owner"),
        pytest.param("alice", "acme", "viewer", True, id="owner-is-at-least-viewer"),
        pytest.param("carol", "globex", "admin", True, id="admin-is-admin"),
        pytest.param("carol", "globex", "owner", False, id="admin-is-not-owner"),
        pytest.param("bob", "acme", "member", True, id="member-is-member"),
        pytest.param("bob", "acme", "admin", False, id="member-is-not-admin"),
        pytest.param("dave", "acme", "viewer", True, id="viewer-is-viewer"),
        pytest.param("dave", "acme", "member", False, id="viewer-is-not-member"),
        pytest.param("gina", "globex", "member", False, id="gina-viewer-in-globex"),
        pytest.param("bob", "globex", "viewer", False, id="other-team"),
    ],
)
def test_has_team_role_ranks_roles(
    db: Connection, user_ids: dict[str, str], user: str, team: str, min_role: str, expected: bool
) -> None:
    with acting_as(db, user_ids, user) as conn:
        row = conn.execute("select public.has_team_role(%s, %s)", (TEAM_IDS[team], min_role)).fetchone()

    assert row == (expected,)


@pytest.mark.parametrize(
    ("user", "team", "expected"),
    [
        pytest.param("gina", "acme", True, id="gina-acme"),
        pytest.param("gina", "globex", True, id="gina-globex"),
        pytest.param("frank", "acme", False, id="frank-acme"),
    ],
)
def test_is_team_member_per_user(
    db: Connection, user_ids: dict[str, str], user: str, team: str, expected: bool
) -> None:
    with acting_as(db, user_ids, user) as conn:
        row = conn.execute("select public.is_team_member(%s)", (TEAM_IDS[team],)).fetchone()

    assert row == (expected,)


@pytest.mark.parametrize(
    ("user", "min_role", "expected"),
    [
        pytest.param("gina", "viewer", {"acme", "globex"}, id="gina-viewer"),
        pytest.param("gina", "member", {"acme"}, id="gina-member"),
        pytest.param("carol", "admin", {"globex"}, id="carol-admin"),
        pytest.param("carol", "owner", set(), id="carol-owner"),
        pytest.param("dave", "member", set(), id="dave-member"),
    ],
)
def test_team_ids_with_role_per_user(
    db: Connection, user_ids: dict[str, str], user: str, min_role: str, expected: set[str]
) -> None:
    with acting_as(db, user_ids, user) as conn:
        rows = conn.execute("select public.team_ids_with_role(%s)::text", (min_role,)).fetchall()

    assert {team_id for (team_id,) in rows} == {TEAM_IDS[team] for team in expected}


@pytest.mark.parametrize(
    "call",
    [
        pytest.param("select public.is_team_member(%s)", id="is_team_member"),
        pytest.param("select public.has_team_role(%s, 'viewer')", id="has_team_role"),
        pytest.param("select public.team_ids_with_role('viewer'), %s", id="team_ids_with_role"),
    ],
)
def test_team_helpers_rejected_for_anon(db: Connection, user_ids: dict[str, str], call: str) -> None:
    with acting_as(db, user_ids, "anon") as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(call, (ACME,))


# The demo seed


def test_seed_users_sign_in_with_demo_password(db: Connection) -> None:
    # Other tests sign up users of their own in the same database, so look only at the demo accounts.
    expected_emails = sorted(f"{user}@example.com" for user in USER_TEAMS if user != "anon")
    rows = db.execute(
        "select email, encrypted_password from auth.users where email = any(%s) order by email",
        (expected_emails,),
    ).fetchall()

    assert [email for email, _ in rows] == expected_emails
    for email, password_hash in rows:
        assert bcrypt.checkpw(SEED_PASSWORD.encode(), password_hash.encode()), email


def test_seed_users_have_confirmed_email_identity(db: Connection) -> None:
    demo_emails = [f"{user}@example.com" for user in USER_TEAMS if user != "anon"]
    rows = db.execute(
        """
        select u.email
        from auth.users as u
        left join auth.identities as i
          on i.user_id = u.id and i.provider = 'email' and i.provider_id = u.id::text
        where u.email = any(%s)
          and (i.id is null or u.email_confirmed_at is null or i.identity_data ->> 'email' <> u.email)
        """,
        (demo_emails,),
    ).fetchall()

    assert rows == []


@pytest.mark.parametrize(
    ("team", "prefix"),
    [pytest.param("acme", "ACME-", id="acme"), pytest.param("globex", "GLX-", id="globex")],
)
def test_seed_order_numbers_carry_team_prefix(db: Connection, team: str, prefix: str) -> None:
    others = count_rows(
        db,
        "select count(*) from public.orders where team_id = %s and not starts_with(order_no, %s)",
        (TEAM_IDS[team], prefix),
    )

    assert others == 0


def test_seed_orders_span_2024_and_2025(db: Connection) -> None:
    row = db.execute("select min(ordered_on)::text, max(ordered_on)::text from public.orders").fetchone()

    assert row is not None
    assert row[0] >= "2024-01-01"
    assert row[0] < "2024-02-01"
    assert row[1] == "2025-12-31"


def test_seed_northwind_paid_in_march_2025(db: Connection, user_ids: dict[str, str]) -> None:
    with acting_as(db, user_ids, "alice") as conn:
        paid = count_rows(
            conn,
            """
            select count(*)
            from public.orders as o
            join public.customers as c on c.id = o.customer_id
            where c.name = 'Northwind Traders'
              and o.status = 'paid'
              and o.ordered_on between date '2025-03-01' and date '2025-03-31'
            """,
        )

    assert paid >= 3


def test_seed_postcodes_keep_leading_zeros(db: Connection) -> None:
    leading_zero = count_rows(db, "select count(*) from public.customers where postcode like '0%'")

    assert leading_zero > 0
