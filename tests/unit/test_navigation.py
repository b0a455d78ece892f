"""The app lists its pages explicitly for st.navigation, and no pages/ folder exists.

Streamlit 1.67 treats a pages/ folder beside app.py as a multipage app of the old kind until
some run of the process calls st.navigation. Until then a request for /orders runs
pages/orders.py directly, without the auth gate in app.py. AppTest resets that state on every run.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES_DIR = "app_pages"


def app_tree() -> ast.Module:
    return ast.parse((ROOT / "app.py").read_text())


def page_specs() -> dict[str, ast.Call]:
    """Return the PageSpec calls of the PAGES table in app.py by URL path."""
    for node in ast.walk(app_tree()):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "PAGES":
            return {key.value: value for key, value in zip(node.value.keys, node.value.values, strict=True)}
    raise AssertionError("app.py has no PAGES table")


def test_navigation_called_in_app():
    calls = [
        node
        for node in ast.walk(app_tree())
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "navigation"
    ]

    assert calls


def test_navigation_no_pages_folder():
    assert not (ROOT / "pages").exists()


def test_navigation_lists_every_page_file():
    listed = {spec.args[0].value for spec in page_specs().values()}
    page_files = {f"{PAGES_DIR}/{path.name}" for path in (ROOT / PAGES_DIR).glob("*.py")}

    assert listed == page_files


def test_navigation_orders_page_at_orders_path():
    orders = page_specs()["orders"]

    assert orders.args[0].value == f"{PAGES_DIR}/orders.py"
    assert orders.args[1].value == "Orders"
