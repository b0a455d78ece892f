"""Streaming .xlsx workbooks written by rust_xlsxwriter through its Python bindings.

rustpy-xlsxwriter writes each sheet in rust_xlsxwriter's constant-memory mode, so rows pass
through one at a time. It needs the list of sheets before it writes the first one. A sheet whose
rows come from an iterator of unknown length is therefore first read into a temporary file,
and its row count then decides whether the rows fit on one sheet or continue on further ones.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from rustpy_xlsxwriter import Format, write_worksheets

from components.export.cells import (
    WIDTH_SAMPLE_ROWS,
    CellReport,
    ExcelValue,
    column_widths,
    excel_converters,
    excel_number_format,
    header_text,
    resolve_timezone,
)
from components.export.model import ExportError, ExportStats, SheetSpec
from components.export.progress import RowCounter
from components.export.sheet_names import SheetNames
from components.export.spool import RowSpool

logger = logging.getLogger(__name__)

XLSX_MIME_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A sheet has 1,048,576 rows, and the first one contains the header.
EXCEL_MAX_DATA_ROWS = 1_048_575

ConvertedRow = Sequence[ExcelValue]


@dataclass
class _SheetPart:
    """One sheet of the workbook: a whole table or one part of a table too long for a sheet."""

    name: str
    headers: list[str]
    formats: dict[str, Format]
    widths: list[float]
    records: Iterator[dict[str, ExcelValue]]


def write_workbook(
    sheets: Iterable[SheetSpec],
    target: BinaryIO,
    *,
    timezone: str,
    on_rows: Callable[[int], None] | None = None,
) -> ExportStats:
    """Write `sheets` as an .xlsx workbook to `target` and return what was written.

    Every sheet gets a bold, frozen header row, an autofilter and column widths from its first
    1,000 rows. Timestamps are shown in `timezone` (UTC, with a note in the returned stats, when
    it is missing or unknown). Rows beyond 1,048,575 continue on sheets named "Orders (2)" and
    so on, so no row is dropped. Rows without a length (a generator) are read into a temporary
    file before writing starts, because the number of sheets must be known first. `on_rows`
    receives the running total of rows read. Raises ExportError with a message for the user when
    the file cannot be written, and then `target` may contain part of a file and should be discarded.
    Errors raised by the row iterables reach the caller unchanged.
    """
    zone, zone_note = resolve_timezone(timezone)
    stats = ExportStats(timezone=zone.key, notes=[zone_note] if zone_note else [])
    report = CellReport()
    counter = RowCounter(on_rows)
    names = SheetNames()

    with ExitStack() as cleanup:
        parts: list[_SheetPart] = []
        sources: list[Iterator[ConvertedRow]] = []
        for spec in sheets:
            spec_parts, source = _plan_sheet(spec, zone, report, counter, names, cleanup)
            parts.extend(spec_parts)
            sources.append(source)
        if not parts:
            raise ExportError("The workbook was not written because it has no sheets to export.")

        _write_parts(parts, target)

        # A Sized row collection whose len() was too small would leave rows behind.
        if any(next(source, None) is not None for source in sources):
            raise ExportError("The workbook was not written completely: the data had more rows than counted.")

    counter.finish()
    stats.rows = counter.total
    stats.sheets = [part.name for part in parts]
    stats.truncated_cells = report.truncated
    stats.cleaned_cells = report.cleaned
    _add_cell_notes(stats)
    logger.info("wrote a workbook of %d rows on %d sheets", stats.rows, len(stats.sheets))
    return stats


def _plan_sheet(
    spec: SheetSpec,
    zone: ZoneInfo,
    report: CellReport,
    counter: RowCounter,
    names: SheetNames,
    cleanup: ExitStack,
) -> tuple[list[_SheetPart], Iterator[ConvertedRow]]:
    headers = _unique(header_text(column, zone) for column in spec.columns)
    formats = {
        header: Format().set_num_format(code)
        for header, column in zip(headers, spec.columns, strict=True)
        if (code := excel_number_format(column))
    }
    converters = excel_converters(spec.columns, zone, report)
    converted = _convert_rows(spec, converters, counter)

    if isinstance(spec.rows, Sized):
        row_count = len(spec.rows)
        sample = list(islice(converted, WIDTH_SAMPLE_ROWS))
        source: Iterator[ConvertedRow] = chain(sample, converted)
    else:
        spool = cleanup.enter_context(RowSpool())
        sample = []
        for row in converted:
            if len(sample) < WIDTH_SAMPLE_ROWS:
                sample.append(row)
            spool.append(row)
        row_count = spool.count
        source = iter(spool)

    widths = column_widths(spec.columns, headers, sample)
    part_count = max(1, math.ceil(row_count / EXCEL_MAX_DATA_ROWS))
    parts = [
        _SheetPart(
            name=names.add(spec.name, part),
            headers=headers,
            formats=formats,
            widths=widths,
            records=_records(headers, source),
        )
        for part in range(1, part_count + 1)
    ]
    return parts, source


def _convert_rows(
    spec: SheetSpec, converters: Sequence[Callable[[Any], ExcelValue]], counter: RowCounter
) -> Iterator[ConvertedRow]:
    width = len(converters)
    for number, row in enumerate(spec.rows, start=1):
        if len(row) != width:
            raise ExportError(
                f"Row {number:,} of {spec.name!r} has {len(row)} values but the sheet has {width} columns."
            )
        counter.add()
        yield [convert(value) for convert, value in zip(converters, row, strict=True)]


def _records(headers: list[str], source: Iterator[ConvertedRow]) -> Iterator[dict[str, ExcelValue]]:
    """Yield up to one sheet's worth of rows from `source`, which the later parts continue."""
    written = 0
    for row in islice(source, EXCEL_MAX_DATA_ROWS):
        written += 1
        yield dict(zip(headers, row, strict=True))

    if written == 0:
        # The writer takes the header from the first record, and a record of empty cells adds no row.
        yield dict.fromkeys(headers)


def _write_parts(parts: list[_SheetPart], target: BinaryIO) -> None:
    try:
        write_worksheets(
            [(part.name, part.records) for part in parts],
            target,
            bold_headers=True,
            freeze_panes={"general": {"row": 1, "col": 0}},
            column_widths={part.name: part.widths for part in parts},
            column_formats={part.name: part.formats for part in parts},
            autofilter={part.name: True for part in parts},
        )
    except (RuntimeError, ValueError, TypeError, OSError) as exc:
        # Errors raised by the row iterables themselves pass through the writer unchanged.
        logger.exception("writing a workbook of %d sheets failed", len(parts))
        raise ExportError(f"The Excel file could not be written: {exc}") from exc


def _unique(headers: Iterable[str]) -> list[str]:
    """Return the headers with repeats numbered, because each header keys a column in the writer."""
    seen: set[str] = set()
    unique = []
    for header in headers:
        candidate = header
        number = 2
        while candidate in seen:
            candidate = f"{header} ({number})"
            number += 1
        seen.add(candidate)
        unique.append(candidate)
    return unique


def _add_cell_notes(stats: ExportStats) -> None:
    if stats.truncated_cells:
        stats.notes.append(
            f"{stats.truncated_cells:,} cells were longer than Excel's 32,767 characters "
            'and end in "… [truncated]".'
        )
    if stats.cleaned_cells:
        stats.notes.append(
            f"{stats.cleaned_cells:,} cells contained control characters that Excel cannot store; "
            "they were removed."
        )
