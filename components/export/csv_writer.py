"""CSV files that Excel opens with the right characters and without running formulas."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from typing import BinaryIO

from components.export.cells import (
    CellReport,
    csv_converters,
    header_text,
    neutralise_formula,
    resolve_timezone,
)
from components.export.model import ExportError, ExportStats, SheetSpec
from components.export.progress import RowCounter

logger = logging.getLogger(__name__)

CSV_MIME_TYPE = "text/csv"


def write_csv(
    sheet: SheetSpec,
    target: BinaryIO,
    *,
    timezone: str,
    on_rows: Callable[[int], None] | None = None,
) -> ExportStats:
    """Write `sheet` to `target` as UTF-8 CSV with a byte order mark and return what was written.

    The byte order mark makes Excel read the file as UTF-8. Text starting with = + - @, a tab
    or a carriage return gets a leading apostrophe so Excel shows it instead of evaluating it.
    Timestamps are written as wall times in `timezone`, which the header names. Text longer than
    Excel's 32,767 characters is kept whole, because CSV has no cell limit. `target` is left open.
    """
    zone, zone_note = resolve_timezone(timezone)
    stats = ExportStats(timezone=zone.key, notes=[zone_note] if zone_note else [])
    report = CellReport()
    counter = RowCounter(on_rows)
    converters = csv_converters(sheet.columns, zone, report)
    width = len(converters)

    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text)
        writer.writerow([neutralise_formula(header_text(column, zone)) for column in sheet.columns])
        for number, row in enumerate(sheet.rows, start=1):
            if len(row) != width:
                raise ExportError(
                    f"Row {number:,} of {sheet.name!r} has {len(row)} values "
                    f"but the file has {width} columns."
                )
            writer.writerow([convert(value) for convert, value in zip(converters, row, strict=True)])
            counter.add()
        text.flush()
    finally:
        # Detach so closing the wrapper later does not close the caller's target.
        text.detach()

    counter.finish()
    stats.rows = counter.total
    stats.sheets = [sheet.name]
    stats.cleaned_cells = report.cleaned
    if report.cleaned:
        stats.notes.append(f"{report.cleaned:,} cells contained control characters; they were removed.")
    logger.info("wrote a CSV file of %d rows", stats.rows)
    return stats
