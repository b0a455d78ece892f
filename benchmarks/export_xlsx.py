"""Time and measure the memory of this project's Excel export against pandas and other writers.

The data is `--rows` rows (100,000 by default) of 10 columns as PostgREST returns them in JSON:
two integers, two floats, three texts, two ISO 8601 timestamps with an offset and a boolean,
made from a fixed seed. Each writer runs in its own child process of this script, twice: once
for the time and the peak resident set size (RSS), once under tracemalloc, which slows Python
code down but counts its allocations exactly. RSS also counts memory that compiled writers
allocate outside Python. Both memory figures are the peak above the process's memory with the
data loaded, and every writer writes to a temporary file.

Writers, always:
- `project`: `components.export.write_workbook`, with every cell conversion and safety rule;
- `pandas-openpyxl`: a DataFrame built from the rows, timestamps converted to the viewer's zone,
  then `DataFrame.to_excel(engine="openpyxl")`, the common way and the baseline of the ratios;
- `pandas-csv`: the same DataFrame written with `DataFrame.to_csv`, the floor.

With `--all-writers` the script also measures `project-generator`, the project's path fed by a
generator as the app's keyset paging feeds it, so the writer first reads the rows into a
temporary file. It then measures the bare candidates: openpyxl's write-only mode, XlsxWriter's
constant-memory mode and rustpy-xlsxwriter (rust_xlsxwriter's Python bindings). They get values
typed before timing starts and apply no safety rules. A candidate whose package is not
installed is reported as skipped.

Run: `python benchmarks/export_xlsx.py` or `--rows 2000` for a quick run. The target is the
project's path at least 5x faster than pandas-openpyxl and at most half its peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from components.export import ColumnSpec, SheetSpec, write_workbook  # noqa: E402

TIMEZONE = "Europe/Berlin"
SPEED_TARGET = 5.0
MEMORY_TARGET = 0.5
BASELINE = "pandas-openpyxl"
DEFAULT_WRITERS = ["project", "pandas-openpyxl", "pandas-csv"]
EXTRA_WRITERS = [
    "project-generator",
    "openpyxl-write-only",
    "xlsxwriter-constant-memory",
    "rustpy-xlsxwriter",
]

COLUMNS = [
    ColumnSpec("id", "integer"),
    ColumnSpec("quantity", "integer"),
    ColumnSpec("amount", "number", number_format="currency"),
    ColumnSpec("discount", "number", number_format="percent"),
    ColumnSpec("customer", "text"),
    ColumnSpec("status", "text"),
    ColumnSpec("note", "text"),
    ColumnSpec("created_at", "timestamp"),
    ColumnSpec("updated_at", "timestamp"),
    ColumnSpec("paid", "boolean"),
]
TIMESTAMP_COLUMNS = [column.name for column in COLUMNS if column.kind == "timestamp"]
STATUSES = ["open", "paid", "late", "cancelled"]


def make_rows(count: int) -> list[list[Any]]:
    """Return `count` rows of the 10 benchmark columns, the same for every run."""
    generator = random.Random(20240331)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    rows = []
    for number in range(1, count + 1):
        created = start + dt.timedelta(seconds=number * 37)
        rows.append(
            [
                number,
                generator.randint(1, 500),
                round(generator.uniform(1, 10_000), 2),
                round(generator.random(), 4),
                f"customer-{generator.randint(1, 5_000)}@example.com",
                STATUSES[number % len(STATUSES)],
                f"note {generator.randint(0, 10**9)} for order {number}",
                created.isoformat(),
                (created + dt.timedelta(hours=5)).astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat(),
                number % 3 == 0,
            ]
        )
    return rows


def typed_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Return the rows with timestamps as naive Berlin wall times, for the bare candidate writers."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(TIMEZONE)
    indexes = [index for index, column in enumerate(COLUMNS) if column.kind == "timestamp"]
    typed = []
    for row in rows:
        values = list(row)
        for index in indexes:
            values[index] = dt.datetime.fromisoformat(values[index]).astimezone(zone).replace(tzinfo=None)
        typed.append(values)
    return typed


def write_project(rows: list[list[Any]], path: str) -> None:
    with open(path, "wb") as target:
        write_workbook([SheetSpec("Orders", COLUMNS, rows)], target, timezone=TIMEZONE)


def write_project_generator(rows: list[list[Any]], path: str) -> None:
    with open(path, "wb") as target:
        write_workbook([SheetSpec("Orders", COLUMNS, iter(rows))], target, timezone=TIMEZONE)


def pandas_frame(rows: list[list[Any]]) -> Any:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=[column.name for column in COLUMNS])
    for name in TIMESTAMP_COLUMNS:
        # Excel cells have no time zone, and to_excel rejects zone-aware timestamps.
        moments = pd.to_datetime(frame[name], utc=True, format="ISO8601")
        frame[name] = moments.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    return frame


def write_pandas_openpyxl(rows: list[list[Any]], path: str) -> None:
    pandas_frame(rows).to_excel(path, engine="openpyxl", index=False, sheet_name="Orders")


def write_pandas_csv(rows: list[list[Any]], path: str) -> None:
    pandas_frame(rows).to_csv(path, index=False)


def write_openpyxl_write_only(rows: list[list[Any]], path: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Orders")
    sheet.append([column.name for column in COLUMNS])
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def write_xlsxwriter_constant_memory(rows: list[list[Any]], path: str) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("Orders")
    timestamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, [column.name for column in COLUMNS])
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(number, index, value, timestamp)
            elif isinstance(value, str):
                # write() would turn text starting with "=" into a formula.
                sheet.write_string(number, index, value)
            else:
                sheet.write(number, index, value)
    workbook.close()


def write_rustpy_xlsxwriter(rows: list[list[Any]], path: str) -> None:
    from rustpy_xlsxwriter import write_worksheet

    names = [column.name for column in COLUMNS]
    write_worksheet((dict(zip(names, row, strict=True)) for row in rows), path, sheet_name="Orders")


WRITERS: dict[str, tuple[Callable[[list[list[Any]], str], None], bool]] = {
    # name: (function, whether it takes typed values instead of the JSON rows)
    "project": (write_project, False),
    "project-generator": (write_project_generator, False),
    "pandas-openpyxl": (write_pandas_openpyxl, False),
    "pandas-csv": (write_pandas_csv, False),
    "openpyxl-write-only": (write_openpyxl_write_only, True),
    "xlsxwriter-constant-memory": (write_xlsxwriter_constant_memory, True),
    "rustpy-xlsxwriter": (write_rustpy_xlsxwriter, True),
}
MODULES = {"xlsxwriter-constant-memory": "xlsxwriter", "rustpy-xlsxwriter": "rustpy_xlsxwriter"}
# Imported before the measurement starts, so neither import time nor module memory is counted.
PRELOADED_MODULES = {
    "pandas-openpyxl": ["pandas", "openpyxl"],
    "pandas-csv": ["pandas"],
    "openpyxl-write-only": ["openpyxl"],
    "xlsxwriter-constant-memory": ["xlsxwriter"],
    "rustpy-xlsxwriter": ["rustpy_xlsxwriter"],
}


def resident_kib(field: str) -> int:
    """Return a memory figure of this process from /proc, such as VmRSS or VmHWM, in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} is missing from /proc/self/status")


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (Linux 4.0 and later); return False where that is not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def measure_in_child(writer: str, rows_count: int, mode: str) -> dict[str, float]:
    """Run one writer in this process, as the child of a benchmark run, and return its figures."""
    function, wants_typed = WRITERS[writer]
    for module in PRELOADED_MODULES.get(writer, []):
        importlib.import_module(module)
    json_rows = make_rows(rows_count)
    # Both lists stay alive, so the writer cannot reuse memory freed here and look smaller in RSS.
    rows = typed_rows(json_rows) if wants_typed else json_rows
    gc.collect()

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export.xlsx")
        if mode == "tracemalloc":
            tracemalloc.start()
            function(rows, path)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            return {"tracemalloc_mib": peak / 2**20}

        before = resident_kib("VmRSS")
        peak_reset = reset_peak_rss()
        started = time.perf_counter()
        function(rows, path)
        seconds = time.perf_counter() - started
        if peak_reset:
            peak = resident_kib("VmHWM")
        else:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {
            "seconds": seconds,
            "rss_mib": max(peak - before, 0) / 1024,
            "file_kib": os.path.getsize(path) / 1024,
        }


def run_writer(writer: str, rows_count: int) -> dict[str, float] | None:
    """Measure `writer` in two child processes; return None when its package is not installed."""
    module = MODULES.get(writer)
    if module is not None:
        probe = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
        if probe.returncode != 0:
            return None

    figures: dict[str, float] = {}
    for mode in ("time", "tracemalloc"):
        command = [sys.executable, __file__, "--child", writer, "--mode", mode, "--rows", str(rows_count)]
        child = subprocess.run(command, capture_output=True, text=True, check=False)
        if child.returncode != 0:
            raise RuntimeError(f"{writer} failed in its {mode} run:\n{child.stderr}")
        figures.update(json.loads(child.stdout.strip().splitlines()[-1]))
    return figures


def print_table(results: dict[str, dict[str, float] | None], rows_count: int) -> None:
    baseline = results[BASELINE]
    assert baseline is not None
    print(
        f"{rows_count:,} rows x {len(COLUMNS)} columns, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    header = (
        f"{'writer':<28}{'seconds':>9}{'speed-up':>10}{'RSS MiB':>9}{'RSS ratio':>10}"
        f"{'traced MiB':>11}{'traced ratio':>13}{'file KiB':>10}"
    )
    print(header)
    for writer, figures in results.items():
        if figures is None:
            print(f"{writer:<28}skipped: package not installed")
            continue
        speed_up = baseline["seconds"] / figures["seconds"]
        rss_ratio = figures["rss_mib"] / baseline["rss_mib"] if baseline["rss_mib"] else float("nan")
        traced_ratio = figures["tracemalloc_mib"] / baseline["tracemalloc_mib"]
        print(
            f"{writer:<28}{figures['seconds']:>9.2f}{speed_up:>9.1f}x{figures['rss_mib']:>9.1f}"
            f"{rss_ratio:>10.2f}{figures['tracemalloc_mib']:>11.1f}{traced_ratio:>13.2f}"
            f"{figures['file_kib']:>10.0f}"
        )


def check_target(results: dict[str, dict[str, float] | None]) -> bool:
    baseline = results[BASELINE]
    project = results["project"]
    assert baseline is not None and project is not None
    speed_up = baseline["seconds"] / project["seconds"]
    memory_ratio = max(
        project["rss_mib"] / baseline["rss_mib"] if baseline["rss_mib"] else 0.0,
        project["tracemalloc_mib"] / baseline["tracemalloc_mib"],
    )
    met = speed_up >= SPEED_TARGET and memory_ratio <= MEMORY_TARGET
    print(
        f"target: project {speed_up:.1f}x faster than {BASELINE} (needs {SPEED_TARGET:.0f}x), "
        f"peak memory {memory_ratio:.2f} of it (needs at most {MEMORY_TARGET}): {'met' if met else 'NOT met'}"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="number of data rows (default 100,000)")
    parser.add_argument("--all-writers", action="store_true", help="also measure the candidate writers")
    parser.add_argument("--child", choices=sorted(WRITERS), help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=["time", "tracemalloc"], default="time", help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.child:
        print(json.dumps(measure_in_child(arguments.child, arguments.rows, arguments.mode)))
        return 0

    writers = DEFAULT_WRITERS + (EXTRA_WRITERS if arguments.all_writers else [])
    results = {writer: run_writer(writer, arguments.rows) for writer in writers}
    print_table(results, arguments.rows)
    check_target(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
