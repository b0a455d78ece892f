"""Excel workbooks built from DataFrames with typed, readable cells."""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

logger = logging.getLogger(__name__)

XLSX_MIME_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
MAX_COLUMN_WIDTH = 50
WIDTH_SAMPLE_ROWS = 200
# Characters the XML inside an .xlsx cannot hold: C0 controls except tab, line feed and carriage return.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel sheet names are at most 31 characters and cannot contain these.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class ExcelBuildError(Exception):
    """The workbook could not be built. The message is written for the user."""


def dataframe_to_xlsx(
    frame: pd.DataFrame,
    sheet_name: str = "Sheet1",
    number_formats: Mapping[str, str] | None = None,
    timezone: str = "UTC",
) -> bytes:
    """Return the bytes of an .xlsx file with one sheet holding `frame`.

    The header row is bold and frozen. Dates and timestamps become Excel dates with a number
    format, numbers stay numbers, and `number_formats` sets the format of named columns.
    Timezone-aware timestamps are converted to `timezone`, which the column header names,
    because Excel cells have no time zone. Text starting with "=" is stored as text, never as
    a formula. Raises ExcelBuildError with a plain message.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ExcelBuildError(
            f"The Excel file could not be built: {timezone!r} is not a known time zone."
        ) from exc

    try:
        return _build_workbook(frame, _sheet_title(sheet_name), dict(number_formats or {}), zone)
    except ExcelBuildError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        logger.exception("building an Excel workbook of %d rows failed", len(frame))
        raise ExcelBuildError(f"The Excel file could not be built: {exc}") from exc


def _build_workbook(frame: pd.DataFrame, title: str, number_formats: dict[str, str], zone: ZoneInfo) -> bytes:
    workbook = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet(title)

    columns = [str(column) for column in frame.columns]
    formats = [number_formats.get(column) or _default_format(frame[column]) for column in frame.columns]
    headers = [_header(column, frame[column], zone) for column in frame.columns]

    # Write-only sheets take column widths and panes only before the first row.
    for index, (header, column) in enumerate(zip(headers, frame.columns, strict=True), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _column_width(header, frame[column])
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_clean_text(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    for values in _rows(frame):
        sheet.append(
            [
                _cell(sheet, value, number_format, zone)
                for value, number_format in zip(values, formats, strict=True)
            ]
        )

    buffer = io.BytesIO()
    workbook.save(buffer)
    logger.debug("built a workbook of %d rows and %d columns", len(frame), len(columns))
    return buffer.getvalue()


def _sheet_title(name: str) -> str:
    title = SHEET_NAME_FORBIDDEN.sub("_", name).strip("'")[:31]
    return title or "Sheet1"


def _rows(frame: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    yield from frame.itertuples(index=False, name=None)


def _is_timestamp_column(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series.dtype)


def _is_date_column(series: pd.Series) -> bool:
    sample = series.dropna().head(WIDTH_SAMPLE_ROWS)
    return len(sample) > 0 and all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in sample)


def _default_format(series: pd.Series) -> str | None:
    if _is_timestamp_column(series):
        return DATETIME_FORMAT
    if _is_date_column(series):
        return DATE_FORMAT
    return None


def _header(column: Any, series: pd.Series, zone: ZoneInfo) -> str:
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return f"{column} ({zone.key})"
    return str(column)


def _column_width(header: str, series: pd.Series) -> float:
    sample = series.dropna().head(WIDTH_SAMPLE_ROWS)
    longest = max([len(header), *(len(str(value)) for value in sample)])
    return float(min(longest + 2, MAX_COLUMN_WIDTH))


def _clean_text(text: str) -> str:
    return ILLEGAL_CHARACTERS.sub("", text)


def _excel_value(value: Any, zone: ZoneInfo) -> Any:
    """Convert one pandas or NumPy value to a type openpyxl writes natively, None for missing."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None

    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert(zone).tz_localize(None)
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone).replace(tzinfo=None)
        return value
    if isinstance(value, (dt.date, dt.time, bool, int, float, Decimal, str)):
        return value

    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.datetime64):
        return _excel_value(pd.Timestamp(value), zone)
    return str(value)


def _cell(sheet: WriteOnlyWorksheet, raw: Any, number_format: str | None, zone: ZoneInfo) -> Any:
    value = _excel_value(raw, zone)

    if isinstance(value, str):
        value = _clean_text(value)
        if value.startswith("="):
            # openpyxl stores a string starting with "=" as a formula, so force the text type.
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    if number_format is None or value is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell
