"""The REST compatibility table in docs/local-backend.md names tests that exist.

Every row marked "Yes" must name at least one test, and every test a row names must be a test function
under tests/. Test names are `file.py::function`, where the file is a path below tests/ or, for files in
tests/integration/, just its name. A name without a file belongs to the file named before it in the same
cell. A parametrized case may be named as `function[id]`, and the id must then be one of the
`pytest.param(..., id=...)` literals of that function when it has any.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DOC_PATH = REPO_ROOT / "docs" / "local-backend.md"
TESTS_ROOT = REPO_ROOT / "tests"
DEFAULT_TEST_FOLDER = "integration"

HEADER = ("Feature", "Supported", "Tests", "Notes (differences from hosted Supabase)")
SUPPORTED_VALUES = ("Yes", "No")

# A cell separator is a `|` that no backslash escapes, so `\|` may appear inside a cell.
CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
CODE_SPAN = re.compile(r"`([^`]*)`")
TEST_NAME = re.compile(r"(?:(?P<file>[\w/]+\.py)::)?(?P<function>test_\w+)(?:\[(?P<case>[^\]]+)\])?")


@dataclass(frozen=True)
class TableRow:
    line: int
    feature: str
    supported: str
    tests: str


@dataclass
class KnownTests:
    """Test function names per file below tests/, and the literal case ids of each parametrized one."""

    names: dict[str, set[str]] = field(default_factory=dict)
    case_ids: dict[tuple[str, str], set[str]] = field(default_factory=dict)


def split_cells(line: str) -> list[str]:
    return [cell.strip() for cell in CELL_SEPARATOR.split(line.strip().strip("|"))]


def parse_compatibility_table(markdown: str) -> list[TableRow]:
    """Return the rows of the first table whose header is `HEADER`, or an empty list without such a table."""
    lines = markdown.splitlines()
    rows: list[TableRow] = []

    start = next((i for i, line in enumerate(lines) if tuple(split_cells(line)) == HEADER), None)
    if start is None:
        return rows

    # The line after the header is the delimiter row (`|---|---|`). The first other line ends the table.
    for number, line in enumerate(lines[start + 2 :], start=start + 3):
        if not line.strip().startswith("|"):
            break
        cells = split_cells(line)
        cells += [""] * (len(HEADER) - len(cells))
        rows.append(TableRow(line=number, feature=cells[0], supported=cells[1], tests=cells[2]))
    return rows


def _case_ids(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Collect the string literals given as `id=` to `pytest.param` in the function's decorators."""
    ids: set[str] = set()
    for decorator in function.decorator_list:
        for node in ast.walk(decorator):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr != "param":
                continue
            for keyword in node.keywords:
                if keyword.arg == "id" and isinstance(keyword.value, ast.Constant):
                    ids.add(str(keyword.value.value))
    return ids


def collect_test_functions(root: Path = TESTS_ROOT) -> KnownTests:
    """Read every tests/**/test_*.py with `ast` and record its test functions, in classes too."""
    found = KnownTests()
    for path in sorted(root.rglob("test_*.py")):
        relative = path.relative_to(root).as_posix()
        module = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names = found.names.setdefault(relative, set())
        for node in ast.walk(module):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                names.add(node.name)
                found.case_ids[(relative, node.name)] = _case_ids(node)
    return found


def _resolve_file(name: str) -> str:
    return name if "/" in name else f"{DEFAULT_TEST_FOLDER}/{name}"


def problems_of_row(row: TableRow, tests: KnownTests) -> list[str]:
    """Describe what is wrong with one row: an unknown Supported value, no test, or a test that is missing."""
    label = f"line {row.line} ({row.feature})"
    problems: list[str] = []

    supported = row.supported.split()[0].strip(",.") if row.supported else ""
    if supported not in SUPPORTED_VALUES:
        problems.append(f"{label}: Supported is {row.supported!r}, expected one of {SUPPORTED_VALUES}")

    named: list[re.Match[str]] = []
    for span in CODE_SPAN.findall(row.tests):
        match = TEST_NAME.fullmatch(span)
        if match is None:
            problems.append(f"{label}: `{span}` in the Tests column is not a test name")
        else:
            named.append(match)
    if supported == "Yes" and not named:
        problems.append(f"{label}: marked Yes but names no test")

    current_file: str | None = None
    for match in named:
        if match["file"]:
            current_file = _resolve_file(match["file"])
        function = match["function"]
        if current_file is None:
            problems.append(f"{label}: {function} is named before any file")
            continue
        if function not in tests.names.get(current_file, set()):
            problems.append(f"{label}: tests/{current_file}::{function} does not exist")
            continue
        known_cases = tests.case_ids.get((current_file, function), set())
        if match["case"] and known_cases and match["case"] not in known_cases:
            problems.append(f"{label}: {function} has no case [{match['case']}]")
    return problems


def check_compatibility_doc(markdown: str, tests: KnownTests) -> list[str]:
    rows = parse_compatibility_table(markdown)
    if not rows:
        return [f"no compatibility table with the header {' | '.join(HEADER)}, or the table has no rows"]

    problems: list[str] = []
    for row in rows:
        problems.extend(problems_of_row(row, tests))
    return problems


def test_compatibility_doc_has_table() -> None:
    rows = parse_compatibility_table(DOC_PATH.read_text(encoding="utf-8"))

    assert rows, f"{DOC_PATH} has no compatibility table with the header {' | '.join(HEADER)}"


def test_compatibility_doc_rows_name_existing_tests() -> None:
    problems = check_compatibility_doc(DOC_PATH.read_text(encoding="utf-8"), collect_test_functions())

    assert not problems, "docs/local-backend.md:\n" + "\n".join(problems)


SAMPLE_TESTS = KnownTests(
    names={"integration/test_sample.py": {"test_known", "test_cases"}},
    case_ids={
        ("integration/test_sample.py", "test_known"): set(),
        ("integration/test_sample.py", "test_cases"): {"a"},
    },
)


def sample_doc(*rows: str) -> str:
    header = "| " + " | ".join(HEADER) + " |"
    return "\n".join(["# Title", "", header, "|---|---|---|---|", *rows, "", "After the table."])


def test_compatibility_check_accepts_valid_rows() -> None:
    doc = sample_doc(
        "| Known | Yes | `test_sample.py::test_known`, `test_cases[a]` | |",
        "| Missing feature | No | | 400 `PGRST127` |",
        "| Pipe in a cell | Yes | `test_sample.py::test_known` | `-\\|-` |",
    )

    assert check_compatibility_doc(doc, SAMPLE_TESTS) == []


def test_compatibility_check_reports_missing_test() -> None:
    doc = sample_doc("| Feature | Yes | `test_sample.py::test_gone` | |")

    assert check_compatibility_doc(doc, SAMPLE_TESTS) == [
        "line 5 (Feature): tests/integration/test_sample.py::test_gone does not exist"
    ]


def test_compatibility_check_reports_row_without_tests() -> None:
    doc = sample_doc("| Feature | Yes | | |")

    assert check_compatibility_doc(doc, SAMPLE_TESTS) == ["line 5 (Feature): marked Yes but names no test"]


def test_compatibility_check_reports_unknown_case() -> None:
    doc = sample_doc("| Feature | Yes | `test_sample.py::test_cases[b]` | |")

    assert check_compatibility_doc(doc, SAMPLE_TESTS) == ["line 5 (Feature): test_cases has no case [b]"]


def test_compatibility_check_reports_name_without_file() -> None:
    doc = sample_doc("| Feature | Yes | `test_known` | |")

    assert check_compatibility_doc(doc, SAMPLE_TESTS) == [
        "line 5 (Feature): test_known is named before any file"
    ]


def test_compatibility_check_reports_bad_test_name() -> None:
    doc = sample_doc("| Feature | Yes | `test_sample.py::test_known`, `tset_known` | |")

    assert check_compatibility_doc(doc, SAMPLE_TESTS) == [
        "line 5 (Feature): `tset_known` in the Tests column is not a test name"
    ]


def test_compatibility_check_reports_unknown_supported_value() -> None:
    doc = sample_doc("| Feature | Maybe | `test_sample.py::test_known` | |")

    assert check_compatibility_doc(doc, SAMPLE_TESTS) == [
        "line 5 (Feature): Supported is 'Maybe', expected one of ('Yes', 'No')"
    ]


def test_compatibility_check_reports_missing_table() -> None:
    problems = check_compatibility_doc("# Title\n\nNo table here.\n", SAMPLE_TESTS)

    assert len(problems) == 1
    assert problems[0].startswith("no compatibility table")


def test_compatibility_check_reports_empty_table() -> None:
    problems = check_compatibility_doc(sample_doc(), SAMPLE_TESTS)

    assert len(problems) == 1
    assert problems[0].startswith("no compatibility table")
