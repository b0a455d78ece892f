"""The Orders export against the local backend: every row past the 1000-row read cap, typed cells."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from components.auth import sign_in_with_password
from components.backend import BackendTarget
from components.excel import dataframe_to_xlsx
from components.orders import EXCEL_NUMBER_FORMATS, fetch_all_orders, fetch_orders_page
from components.settings import Secret
from components.supabase_client import new_client
from components.teams import list_teams

DEMO_PASSWORD = "demo-password"


@pytest.fixture
def signed_in(backend):
    """Return a client signed in as gina (Acme member, Globex viewer) and her teams by name."""
    client = new_client(BackendTarget(url=backend.api_url, key=Secret(backend.anon_key), is_local=True))
    session = sign_in_with_password(client, "gina@example.com", DEMO_PASSWORD)
    teams = {team.name: team for team in list_teams(client, session.user_id)}
    yield client, teams
    client.auth.sign_out({"scope": "local"})


def test_teams_of_two_team_user_with_roles(signed_in):
    _, teams = signed_in

    assert sorted(teams) == ["Acme", "Globex"]
    assert teams["Acme"].role == "member"
    assert teams["Globex"].role == "viewer"


def test_orders_page_counts_all_team_rows(signed_in):
    client, teams = signed_in

    page = fetch_orders_page(client, teams["Acme"].id, 0)

    assert page.total == 2500
    assert len(page.rows) == 50
    assert page.rows["order_no"].iloc[0] == "ACME-000001"


def test_orders_export_reads_past_row_cap(signed_in):
    client, teams = signed_in

    frame = fetch_all_orders(client, teams["Acme"].id)

    assert len(frame) == 2500
    assert frame["id"].is_unique
    assert frame["order_no"].str.startswith("ACME-").all()


def test_orders_export_workbook_has_every_row(signed_in):
    client, teams = signed_in
    frame = fetch_all_orders(client, teams["Globex"].id)

    sheet = load_workbook(io.BytesIO(dataframe_to_xlsx(frame, "Orders", EXCEL_NUMBER_FORMATS))).active

    assert sheet.max_row == 1200 + 1
    assert isinstance(sheet["B2"].value, dt.date)
    assert sheet["D2"].data_type == "n"
