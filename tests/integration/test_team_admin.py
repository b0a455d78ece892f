"""Team administration per role: memberships, invited_users and the team functions, through supabase-py.

These tests change roles and memberships, so they run on their own backend with sign-up off,
started once for this module, and each test restores what it changed or uses fresh users.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from postgrest.exceptions import APIError
from supabase import Client
from supabase_auth.errors import AuthApiError

from components import team_admin
from components.backend import BackendTarget
from components.settings import Secret
from components.teams import list_teams
from tests.support.backend import RunningBackend
from tests.support.clients import Connection, connect_db, new_client
from tests.support.inbox import code_in, latest_message, messages_to

DEMO_PASSWORD = "demo-password"
ACME = "20000000-0000-4000-8000-000000000001"
GLOBEX = "20000000-0000-4000-8000-000000000002"
ALICE = "10000000-0000-4000-8000-000000000001"
BOB = "10000000-0000-4000-8000-000000000002"
CAROL = "10000000-0000-4000-8000-000000000003"
DAVE = "10000000-0000-4000-8000-000000000004"
ERIN = "10000000-0000-4000-8000-000000000005"

SignIn = Callable[[str], Client]


@pytest.fixture(scope="module")
def team_backend(backend_factory: Callable[..., RunningBackend]) -> RunningBackend:
    return backend_factory(extra_args=["--no-signup"])


@pytest.fixture(scope="module")
def team_db(team_backend: RunningBackend) -> Iterator[Connection]:
    with connect_db(team_backend) as conn:
        yield conn


@pytest.fixture
def signed_in(team_backend: RunningBackend) -> Iterator[SignIn]:
    clients: list[Client] = []

    def sign_in(email: str) -> Client:
        client = new_client(team_backend)
        client.auth.sign_in_with_password({"email": email, "password": DEMO_PASSWORD})
        clients.append(client)
        return client

    yield sign_in
    for client in clients:
        client.auth.sign_out({"scope": "local"})


@pytest.fixture
def seed_roles_restored(team_db: Connection) -> Iterator[None]:
    """Put the seed's memberships back after a test that changes them."""
    before = team_db.execute("select user_id, team_id, role from public.memberships").fetchall()
    yield
    team_db.execute("delete from public.memberships")
    with team_db.cursor() as cursor:
        cursor.executemany(
            "insert into public.memberships (user_id, team_id, role) values (%s, %s, %s)", before
        )


def role_of(db: Connection, team_id: str, user_id: str) -> str | None:
    row = db.execute(
        "select role::text from public.memberships where team_id = %s and user_id = %s", [team_id, user_id]
    ).fetchone()
    return None if row is None else str(row[0])


def rpc_error(request: Callable[[], object]) -> APIError:
    with pytest.raises(APIError) as raised:
        request()
    return raised.value


# my_teams and team_members


def test_my_teams_of_two_team_user(signed_in: SignIn) -> None:
    rows = signed_in("gina@example.com").rpc("my_teams").execute().data

    assert [(row["name"], row["role"]) for row in rows] == [("Acme", "member"), ("Globex", "viewer")]


def test_my_teams_anonymous_rejected(team_backend: RunningBackend) -> None:
    error = rpc_error(lambda: new_client(team_backend).rpc("my_teams").execute())

    assert error.code == "42501"


def test_team_members_admin_sees_emails(signed_in: SignIn) -> None:
    rows = signed_in("alice@example.com").rpc("team_members", {"team_id": ACME}).execute().data

    assert {row["email"]: row["role"] for row in rows} == {
        "alice@example.com": "owner",
        "bob@example.com": "member",
        "dave@example.com": "viewer",
        "gina@example.com": "member",
    }


@pytest.mark.parametrize(
    ("email", "team_id"),
    [
        pytest.param("bob@example.com", ACME, id="member"),
        pytest.param("dave@example.com", ACME, id="viewer"),
        pytest.param("carol@example.com", ACME, id="admin-of-other-team"),
    ],
)
def test_team_members_non_admin_rejected(signed_in: SignIn, email: str, team_id: str) -> None:
    client = signed_in(email)

    error = rpc_error(lambda: client.rpc("team_members", {"team_id": team_id}).execute())

    assert error.code == "42501"


# Memberships through REST: there is no write policy, so no user changes a row directly.


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("bob@example.com", id="member"),
        pytest.param("dave@example.com", id="viewer"),
        pytest.param("alice@example.com", id="owner"),
    ],
)
def test_memberships_rest_update_changes_nothing(signed_in: SignIn, team_db: Connection, email: str) -> None:
    client = signed_in(email)
    user_id = client.auth.get_user().user.id  # type: ignore[union-attr]
    role = role_of(team_db, ACME, user_id)

    data = (
        client.table("memberships")
        .update({"role": "owner"})
        .eq("team_id", ACME)
        .eq("user_id", user_id)
        .execute()
    )

    assert data.data == []
    assert role_of(team_db, ACME, user_id) == role


def test_memberships_rest_insert_into_other_team_rejected(signed_in: SignIn, team_db: Connection) -> None:
    client = signed_in("bob@example.com")

    error = rpc_error(
        lambda: (
            client.table("memberships").insert({"team_id": GLOBEX, "user_id": BOB, "role": "owner"}).execute()
        )
    )

    assert error.code == "42501"
    assert role_of(team_db, GLOBEX, BOB) is None


def test_memberships_rest_delete_changes_nothing(signed_in: SignIn, team_db: Connection) -> None:
    client = signed_in("alice@example.com")

    client.table("memberships").delete().eq("team_id", ACME).eq("user_id", BOB).execute()

    assert role_of(team_db, ACME, BOB) == "member"


# change_member_role


@pytest.mark.parametrize(
    ("email", "team_id", "user_id", "new_role", "code"),
    [
        pytest.param("bob@example.com", ACME, BOB, "admin", "42501", id="member-raises-self"),
        pytest.param("dave@example.com", ACME, DAVE, "member", "42501", id="viewer-raises-self"),
        pytest.param("bob@example.com", ACME, DAVE, "member", "42501", id="member-changes-other"),
        pytest.param("carol@example.com", ACME, BOB, "viewer", "42501", id="admin-of-other-team"),
        pytest.param("carol@example.com", GLOBEX, CAROL, "owner", "42501", id="admin-makes-self-owner"),
        pytest.param("carol@example.com", GLOBEX, ERIN, "owner", "42501", id="admin-grants-owner"),
        pytest.param("alice@example.com", ACME, ALICE, "admin", "P0001", id="last-owner-demotes-self"),
        pytest.param("alice@example.com", ACME, CAROL, "member", "P0001", id="user-not-in-team"),
    ],
)
def test_change_member_role_rejected(
    signed_in: SignIn, team_db: Connection, email: str, team_id: str, user_id: str, new_role: str, code: str
) -> None:
    client = signed_in(email)
    before = role_of(team_db, team_id, user_id)
    params = {"team_id": team_id, "user_id": user_id, "new_role": new_role}

    error = rpc_error(lambda: client.rpc("change_member_role", params).execute())

    assert error.code == code
    assert role_of(team_db, team_id, user_id) == before


def test_change_member_role_anonymous_rejected(team_backend: RunningBackend, team_db: Connection) -> None:
    params = {"team_id": ACME, "user_id": BOB, "new_role": "owner"}

    error = rpc_error(lambda: new_client(team_backend).rpc("change_member_role", params).execute())

    assert error.code == "42501"
    assert role_of(team_db, ACME, BOB) == "member"


@pytest.mark.usefixtures("seed_roles_restored")
def test_change_member_role_admin_demotes_member(signed_in: SignIn, team_db: Connection) -> None:
    signed_in("carol@example.com").rpc(
        "change_member_role", {"team_id": GLOBEX, "user_id": ERIN, "new_role": "viewer"}
    ).execute()

    assert role_of(team_db, GLOBEX, ERIN) == "viewer"


@pytest.mark.usefixtures("seed_roles_restored")
def test_change_member_role_owner_grants_owner(signed_in: SignIn, team_db: Connection) -> None:
    signed_in("alice@example.com").rpc(
        "change_member_role", {"team_id": ACME, "user_id": BOB, "new_role": "owner"}
    ).execute()

    assert role_of(team_db, ACME, BOB) == "owner"


@pytest.mark.usefixtures("seed_roles_restored")
def test_change_member_role_owner_demotes_self_with_second_owner(
    signed_in: SignIn, team_db: Connection
) -> None:
    alice = signed_in("alice@example.com")
    alice.rpc("change_member_role", {"team_id": ACME, "user_id": BOB, "new_role": "owner"}).execute()

    alice.rpc("change_member_role", {"team_id": ACME, "user_id": ALICE, "new_role": "admin"}).execute()

    assert role_of(team_db, ACME, ALICE) == "admin"
    assert role_of(team_db, ACME, BOB) == "owner"


@pytest.mark.usefixtures("seed_roles_restored")
def test_change_member_role_admin_cannot_demote_owner(signed_in: SignIn, team_db: Connection) -> None:
    alice = signed_in("alice@example.com")
    alice.rpc("change_member_role", {"team_id": ACME, "user_id": BOB, "new_role": "admin"}).execute()
    bob = signed_in("bob@example.com")

    error = rpc_error(
        lambda: bob.rpc(
            "change_member_role", {"team_id": ACME, "user_id": ALICE, "new_role": "member"}
        ).execute()
    )

    assert error.code == "42501"
    assert role_of(team_db, ACME, ALICE) == "owner"


# remove_member and leave_team


@pytest.mark.parametrize(
    ("email", "team_id", "user_id", "code"),
    [
        pytest.param("bob@example.com", ACME, DAVE, "42501", id="member-removes-other"),
        pytest.param("dave@example.com", ACME, BOB, "42501", id="viewer-removes-other"),
        pytest.param("carol@example.com", ACME, BOB, "42501", id="admin-of-other-team"),
        pytest.param("alice@example.com", ACME, ALICE, "P0001", id="last-owner-removes-self"),
    ],
)
def test_remove_member_rejected(
    signed_in: SignIn, team_db: Connection, email: str, team_id: str, user_id: str, code: str
) -> None:
    client = signed_in(email)
    before = role_of(team_db, team_id, user_id)

    error = rpc_error(lambda: client.rpc("remove_member", {"team_id": team_id, "user_id": user_id}).execute())

    assert error.code == code
    assert role_of(team_db, team_id, user_id) == before


@pytest.mark.usefixtures("seed_roles_restored")
def test_remove_member_admin_removes_viewer(signed_in: SignIn, team_db: Connection) -> None:
    frank = "10000000-0000-4000-8000-000000000006"

    signed_in("carol@example.com").rpc("remove_member", {"team_id": GLOBEX, "user_id": frank}).execute()

    assert role_of(team_db, GLOBEX, frank) is None


def test_leave_team_last_owner_rejected(signed_in: SignIn, team_db: Connection) -> None:
    alice = signed_in("alice@example.com")

    error = rpc_error(lambda: alice.rpc("leave_team", {"team_id": ACME}).execute())

    assert error.code == "P0001"
    assert role_of(team_db, ACME, ALICE) == "owner"


@pytest.mark.usefixtures("seed_roles_restored")
def test_leave_team_member_leaves(signed_in: SignIn, team_db: Connection) -> None:
    signed_in("dave@example.com").rpc("leave_team", {"team_id": ACME}).execute()

    assert role_of(team_db, ACME, DAVE) is None


def test_leave_team_of_other_team_rejected(signed_in: SignIn) -> None:
    bob = signed_in("bob@example.com")

    error = rpc_error(lambda: bob.rpc("leave_team", {"team_id": GLOBEX}).execute())

    assert error.code == "P0001"


# invited_users


def invitation_role(db: Connection, team_id: str, email: str) -> str | None:
    row = db.execute(
        "select role::text from public.invited_users where team_id = %s and email = %s", [team_id, email]
    ).fetchone()
    return None if row is None else str(row[0])


def test_invite_upsert_changes_pending_role(signed_in: SignIn, team_db: Connection) -> None:
    alice = signed_in("alice@example.com")
    row = {"team_id": ACME, "email": "upsert@example.com", "role": "viewer"}

    alice.table("invited_users").upsert(row, on_conflict="team_id,email").execute()
    alice.table("invited_users").upsert({**row, "role": "admin"}, on_conflict="team_id,email").execute()

    count = team_db.execute(
        "select count(*) from public.invited_users where email = 'upsert@example.com'"
    ).fetchone()
    assert count == (1,)
    assert invitation_role(team_db, ACME, "upsert@example.com") == "admin"
    team_db.execute("delete from public.invited_users where email = 'upsert@example.com'")


@pytest.mark.parametrize(
    ("email", "team_id", "role"),
    [
        pytest.param("bob@example.com", ACME, "viewer", id="member"),
        pytest.param("dave@example.com", ACME, "viewer", id="viewer"),
        pytest.param("carol@example.com", ACME, "viewer", id="admin-of-other-team"),
        pytest.param("carol@example.com", GLOBEX, "owner", id="admin-invites-owner"),
    ],
)
def test_invite_insert_rejected(
    signed_in: SignIn, team_db: Connection, email: str, team_id: str, role: str
) -> None:
    client = signed_in(email)
    row = {"team_id": team_id, "email": "rejected@example.com", "role": role}

    error = rpc_error(lambda: client.table("invited_users").insert(row).execute())

    assert error.code == "42501"
    assert invitation_role(team_db, team_id, "rejected@example.com") is None


@pytest.mark.parametrize(
    ("email", "visible"),
    [
        pytest.param("alice@example.com", ["henry@example.com"], id="owner"),
        pytest.param("bob@example.com", [], id="member"),
        pytest.param("dave@example.com", [], id="viewer"),
        pytest.param("carol@example.com", ["ivy@example.com"], id="admin-of-other-team"),
    ],
)
def test_invitations_visible_to_admins_only(signed_in: SignIn, email: str, visible: list[str]) -> None:
    rows = signed_in(email).table("invited_users").select("email").execute().data

    assert sorted(row["email"] for row in rows) == visible


def test_invitations_anonymous_sees_none(team_backend: RunningBackend) -> None:
    assert new_client(team_backend).table("invited_users").select("email").execute().data == []


# Accepting an invitation


def test_invited_email_signs_up_with_signup_off_and_joins(
    team_backend: RunningBackend, signed_in: SignIn, team_db: Connection
) -> None:
    address = f"invited-{uuid.uuid4().hex[:8]}@example.com"
    signed_in("alice@example.com").table("invited_users").insert(
        {"team_id": ACME, "email": address, "role": "viewer"}
    ).execute()
    newcomer = new_client(team_backend)

    newcomer.auth.sign_up({"email": address, "password": DEMO_PASSWORD})

    teams = newcomer.rpc("my_teams").execute().data
    assert [(row["name"], row["role"]) for row in teams] == [("Acme", "viewer")]
    assert invitation_role(team_db, ACME, address) is None


def test_uninvited_email_sign_up_rejected_with_signup_off(team_backend: RunningBackend) -> None:
    client = new_client(team_backend)

    with pytest.raises(AuthApiError) as raised:
        client.auth.sign_up(
            {"email": f"stranger-{uuid.uuid4().hex[:8]}@example.com", "password": DEMO_PASSWORD}
        )

    assert raised.value.code == "signup_disabled"


@pytest.mark.usefixtures("seed_roles_restored")
def test_existing_user_joins_on_next_sign_in(signed_in: SignIn, team_db: Connection) -> None:
    signed_in("carol@example.com").table("invited_users").insert(
        {"team_id": GLOBEX, "email": "bob@example.com", "role": "member"}
    ).execute()

    bob = signed_in("bob@example.com")

    teams = {row["name"]: row["role"] for row in bob.rpc("my_teams").execute().data}
    assert teams == {"Acme": "member", "Globex": "member"}
    assert invitation_role(team_db, GLOBEX, "bob@example.com") is None


@pytest.mark.usefixtures("seed_roles_restored")
def test_accept_my_invites_joins_invited_team(signed_in: SignIn, team_db: Connection) -> None:
    dave = signed_in("dave@example.com")
    team_db.execute(
        "insert into public.invited_users (team_id, email, role) values (%s, 'dave@example.com', 'member')",
        [GLOBEX],
    )

    joined = dave.rpc("accept_my_invites").execute().data

    assert joined == 1
    assert role_of(team_db, GLOBEX, DAVE) == "member"


def test_create_team_with_owner_rejected_for_users(signed_in: SignIn) -> None:
    alice = signed_in("alice@example.com")

    error = rpc_error(
        lambda: alice.rpc(
            "create_team_with_owner", {"name": "Mine", "owner_email": "alice@example.com"}
        ).execute()
    )

    assert error.code == "42501"


# Allowed email domains and closed sign-up in the database


@pytest.fixture
def auth_settings(team_db: Connection) -> Iterator[Connection]:
    yield team_db
    team_db.execute("update private.auth_settings set allowed_email_domains = '{}', signup_open = true")


@pytest.mark.parametrize(
    ("settings_sql", "email", "allowed"),
    [
        pytest.param("allowed_email_domains = '{acme.test}'", "new@other.test", False, id="other-domain"),
        pytest.param("allowed_email_domains = '{acme.test}'", "new@acme.test", True, id="allowed-domain"),
        pytest.param(
            "allowed_email_domains = '{acme.test}'", "henry@example.com", True, id="invited-other-domain"
        ),
        pytest.param("signup_open = false", "new@example.com", False, id="closed-uninvited"),
        pytest.param("signup_open = false", "henry@example.com", True, id="closed-invited"),
    ],
)
def test_new_user_email_checked_in_database(
    auth_settings: Connection, settings_sql: str, email: str, allowed: bool
) -> None:
    auth_settings.execute(f"update private.auth_settings set {settings_sql}")

    def insert_user() -> None:
        with auth_settings.transaction():
            auth_settings.execute(
                "insert into auth.users (id, email) values (gen_random_uuid(), %s)", [email]
            )
            # Roll back, so the invited address stays free for the other cases.
            raise RollbackInsert

    if allowed:
        with pytest.raises(RollbackInsert):
            insert_user()
    else:
        with pytest.raises(Exception, match="cannot sign up here|by invitation only"):
            insert_user()


class RollbackInsert(Exception):
    """Raised inside a transaction to roll back a user inserted only to run the triggers."""


# The app's invitation flow: components.team_admin with the user's client, plus the invitation email


def app_target(backend: RunningBackend) -> BackendTarget:
    return BackendTarget(url=backend.api_url, key=Secret(backend.anon_key), is_local=True)


def test_invite_email_code_joins_team(
    team_backend: RunningBackend, signed_in: SignIn, team_db: Connection
) -> None:
    alice = signed_in("alice@example.com")
    address = team_admin.invite(alice, ACME, f" Emailed-{uuid.uuid4().hex[:8]}@Example.com ", "member")

    team_admin.send_invite_email(
        alice, app_target(team_backend), Secret(team_backend.service_role_key), ACME, address, None
    )
    code = code_in(latest_message(team_backend, address))
    newcomer = new_client(team_backend)
    newcomer.auth.verify_otp({"email": address, "token": code, "type": "invite"})

    assert address.startswith("emailed-")
    assert address.endswith("@example.com")
    assert [(team.name, team.role) for team in list_teams(newcomer)] == [("Acme", "member")]
    assert invitation_role(team_db, ACME, address) is None


def test_invite_email_by_member_rejected_before_sending(
    team_backend: RunningBackend, signed_in: SignIn
) -> None:
    bob = signed_in("bob@example.com")
    address = f"not-sent-{uuid.uuid4().hex[:8]}@example.com"

    with pytest.raises(team_admin.TeamAdminError, match="Only admins and owners"):
        team_admin.send_invite_email(
            bob, app_target(team_backend), Secret(team_backend.service_role_key), ACME, address, None
        )

    assert messages_to(team_backend, address) == []


def test_change_role_last_owner_message(signed_in: SignIn) -> None:
    alice = signed_in("alice@example.com")

    with pytest.raises(team_admin.TeamAdminError) as raised:
        team_admin.change_role(alice, ACME, ALICE, "member")

    assert str(raised.value) == "The team's last owner cannot be demoted. Make someone else an owner first."


def test_invite_owner_by_admin_message(signed_in: SignIn) -> None:
    carol = signed_in("carol@example.com")

    with pytest.raises(team_admin.TeamAdminError) as raised:
        team_admin.invite(carol, GLOBEX, "boss@example.com", "owner")

    assert str(raised.value) == "You do not have permission to do this in this team."
