"""Cell values made safe and typed for Excel and CSV.

Values arrive as PostgREST JSON gives them. Each column gets one converter function, chosen
once by its kind, so the per-cell work is a single call.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import numbers
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from components.export.model import NAMED_NUMBER_FORMATS, ColumnSpec

logger = logging.getLogger(__name__)

EXCEL_MAX_CELL_CHARS = 32_767
TRUNCATION_MARK = "… [truncated]"
# Excel keeps 15 significant digits of a number, so an integer with more digits is written as text
# to keep every digit. That includes every integer beyond 2**53, where a double stops holding them all.
MAX_EXACT_INTEGER = 10**15 - 1
DATE_FORMAT = "yyyy-mm-dd"
TIMESTAMP_FORMAT = "yyyy-mm-dd hh:mm:ss"
INTEGER_FORMAT = "0"
# Excel stores a date as a serial number of days since 1899-12-30 with a date format. Its
# serials before 1900-03-01 are off by one (Excel counts 1900-02-29), and it has no dates after
# 9999-12-31, so dates outside that range are written as text.
EXCEL_EPOCH_ORDINAL = dt.date(1899, 12, 30).toordinal()
EXCEL_FIRST_SERIAL = 61.0  # 1900-03-01
EXCEL_SERIAL_LIMIT = 2_958_466.0  # 10000-01-01
SECONDS_PER_DAY = 86_400
WIDTH_SAMPLE_ROWS = 1_000
MIN_COLUMN_WIDTH = 6
MAX_COLUMN_WIDTH = 60

# Characters that XML 1.0, and so an .xlsx file, cannot contain: C0 controls other than tab,
# line feed and carriage return, lone surrogates, and U+FFFE and U+FFFF.
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Text that spreadsheet programs evaluate as a formula when a CSV file is opened.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A signed decimal number, which a spreadsheet reads as a number rather than a formula.
DECIMAL_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

ExcelValue = str | int | float | bool | None
ExcelConverter = Callable[[Any], ExcelValue]
CsvConverter = Callable[[Any], str]


def resolve_timezone(name: str | None) -> tuple[ZoneInfo, str | None]:
    """Return the IANA zone `name`, or UTC and a note for the user when `name` is missing or unknown."""
    if not name:
        return ZoneInfo("UTC"), "No time zone was given, so times are shown in UTC."
    try:
        return ZoneInfo(name), None
    except (KeyError, ValueError, OSError):
        # ZoneInfoNotFoundError is a KeyError, and a malformed key such as "../x" raises ValueError.
        logger.info("unknown time zone %r for an export, using UTC", name)
        return ZoneInfo("UTC"), f"The time zone {name!r} is not known, so times are shown in UTC."


@dataclass
class CellReport:
    """Counts of cells that were changed to fit the file format."""

    truncated: int = 0
    cleaned: int = 0


def header_text(column: ColumnSpec, zone: ZoneInfo) -> str:
    """Return the header of `column`, which for a timestamp names the zone its values are shown in."""
    header = ILLEGAL_CHARACTERS.sub("", column.header or column.name)
    if column.kind == "timestamp":
        return f"{header} ({zone.key})"
    return header


def excel_number_format(column: ColumnSpec) -> str | None:
    """Return the Excel format code of `column`, None for Excel's General format."""
    if column.number_format:
        return NAMED_NUMBER_FORMATS.get(column.number_format, column.number_format)
    if column.kind == "timestamp":
        return TIMESTAMP_FORMAT
    if column.kind == "date":
        return DATE_FORMAT
    if column.kind == "integer":
        # Excel's General format shows long integers in scientific notation.
        return INTEGER_FORMAT
    return None


def clean_text(text: str, report: CellReport, max_chars: int | None) -> str:
    """Remove the characters an .xlsx cannot contain, then cut `text` to `max_chars` if given.

    The length is counted in UTF-16 code units, as Excel counts it, and a cut text ends in
    "… [truncated]" and is exactly `max_chars` long unless a surrogate pair sits at the cut.
    """
    if ILLEGAL_CHARACTERS.search(text):
        text = ILLEGAL_CHARACTERS.sub("", text)
        report.cleaned += 1

    if max_chars is not None and len(text) > max_chars // 2 and _utf16_length(text) > max_chars:
        text = _truncate(text, max_chars)
        report.truncated += 1
    return text


def neutralise_formula(text: str) -> str:
    """Prefix `text` with an apostrophe when a spreadsheet would evaluate it as a formula."""
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def json_text(value: list[Any] | dict[str, Any]) -> str:
    """Return an array or object as JSON text that keeps non-ASCII characters readable."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def excel_converters(
    columns: Sequence[ColumnSpec], zone: ZoneInfo, report: CellReport
) -> list[ExcelConverter]:
    """Return one function per column that turns a JSON value into a value the .xlsx writer takes."""
    return [_excel_converter(column, zone, report) for column in columns]


def csv_converters(columns: Sequence[ColumnSpec], zone: ZoneInfo, report: CellReport) -> list[CsvConverter]:
    """Return one function per column that turns a JSON value into the text of a CSV field."""
    return [_csv_converter(column, zone, report) for column in columns]


def column_widths(
    columns: Sequence[ColumnSpec], headers: Sequence[str], sample: Sequence[Sequence[ExcelValue]]
) -> list[float]:
    """Return a width per column, in characters, from the header and a sample of converted rows."""
    widths = []
    for index, (column, header) in enumerate(zip(columns, headers, strict=True)):
        date_format = excel_number_format(column) if column.kind in ("date", "timestamp") else None
        longest = max([len(header), *(_display_length(row[index], date_format) for row in sample)])
        widths.append(float(min(max(longest + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)))
    return widths


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _truncate(text: str, max_chars: int) -> str:
    budget = max_chars - len(TRUNCATION_MARK)
    if len(text) == _utf16_length(text):
        return text[:budget] + TRUNCATION_MARK

    # Characters outside the Basic Multilingual Plane take two UTF-16 code units each.
    used = 0
    cut = 0
    for character in text:
        used += 2 if ord(character) > 0xFFFF else 1
        if used > budget:
            break
        cut += 1
    return text[:cut] + TRUNCATION_MARK


def _display_length(value: ExcelValue, date_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.split("\n")), default=0)
    if date_format is not None:
        return len(date_format)
    if isinstance(value, bool):
        return len("FALSE")
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    return len(str(value))


def _wall_time(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """Return `moment` as a naive wall time in `zone`, or unchanged when it has no offset."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(zone).replace(tzinfo=None)


def _excel_serial(wall: dt.datetime) -> float | None:
    """Return the Excel date serial of the wall time `wall`, None when Excel has no such date.

    The wall time is read from the fields, so `wall` may carry its zone: dropping it with
    replace(tzinfo=None) costs more than the rest of a timestamp's conversion.
    """
    seconds = wall.hour * 3600 + wall.minute * 60 + wall.second + wall.microsecond / 1_000_000
    serial = wall.toordinal() - EXCEL_EPOCH_ORDINAL + seconds / SECONDS_PER_DAY
    if serial < EXCEL_FIRST_SERIAL or serial >= EXCEL_SERIAL_LIMIT:
        return None
    return serial


def _excel_converter(column: ColumnSpec, zone: ZoneInfo, report: CellReport) -> ExcelConverter:
    def text(value: str) -> str:
        return clean_text(value, report, EXCEL_MAX_CELL_CHARS)

    dated = column.kind in ("date", "timestamp")

    def any_value(value: Any) -> ExcelValue:
        if value is None:
            return None
        kind = value.__class__
        if kind is str:
            return text(value)
        if kind is bool:
            return bool(value)
        if kind is int:
            return value if -MAX_EXACT_INTEGER <= value <= MAX_EXACT_INTEGER else str(value)
        if kind is float:
            return value if math.isfinite(value) else _float_text(value)
        if isinstance(value, (list, dict)):
            return text(json_text(value))
        if isinstance(value, dt.datetime):
            return moment_value(value) if dated else text(value.isoformat(sep=" "))
        if isinstance(value, dt.date):
            return day_value(value) if dated else value.isoformat()
        if isinstance(value, numbers.Integral):
            return any_value(int(value))
        if isinstance(value, numbers.Real):
            return any_value(float(value))
        return text(str(value))

    # The writer drops the fraction of a second from datetime objects, so dates are written as
    # serial numbers. The column's date format makes Excel show them as dates.
    def moment_value(moment: dt.datetime) -> ExcelValue:
        try:
            wall = moment if moment.tzinfo is None else moment.astimezone(zone)
        except OverflowError:
            return moment.isoformat(sep=" ")
        serial = _excel_serial(wall)
        return wall.replace(tzinfo=None).isoformat(sep=" ") if serial is None else serial

    def day_value(day: dt.date) -> ExcelValue:
        serial = day.toordinal() - EXCEL_EPOCH_ORDINAL
        return day.isoformat() if serial < EXCEL_FIRST_SERIAL or serial >= EXCEL_SERIAL_LIMIT else serial

    def timestamp(value: Any) -> ExcelValue:
        if value.__class__ is not str:
            return any_value(value)
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            # PostgreSQL's "infinity" and years BC have no Excel date, so they stay text.
            return text(value)
        return moment_value(moment)

    def date(value: Any) -> ExcelValue:
        if value.__class__ is not str:
            return any_value(value)
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return text(value)
        return day_value(day)

    if column.kind == "timestamp":
        return timestamp
    if column.kind == "date":
        return date
    return any_value


def _csv_converter(column: ColumnSpec, zone: ZoneInfo, report: CellReport) -> CsvConverter:
    def text(value: str) -> str:
        # CSV has no cell length limit, so long text is kept whole.
        return neutralise_formula(clean_text(value, report, None))

    def any_value(value: Any) -> str:
        if value is None:
            return ""
        kind = value.__class__
        if kind is str:
            return text(value)
        if kind is bool:
            return "TRUE" if value else "FALSE"
        if kind is int:
            return str(value)
        if kind is float:
            return repr(value) if math.isfinite(value) else text(_float_text(value))
        if isinstance(value, (list, dict)):
            return text(json_text(value))
        if isinstance(value, dt.datetime):
            return moment_text(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, numbers.Integral):
            return str(int(value))
        if isinstance(value, numbers.Real):
            return any_value(float(value))
        return text(str(value))

    def number(value: Any) -> str:
        # A numeric column sent as text keeps its sign, because "-5" is no formula.
        if value.__class__ is str and DECIMAL_NUMBER.fullmatch(value):
            return value
        return any_value(value)

    def moment_text(moment: dt.datetime) -> str:
        try:
            return _wall_time(moment, zone).isoformat(sep=" ")
        except OverflowError:
            return moment.isoformat(sep=" ")

    def timestamp(value: Any) -> str:
        if value.__class__ is not str:
            return any_value(value)
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return text(value)
        return moment_text(moment)

    if column.kind == "timestamp":
        return timestamp
    if column.kind in ("integer", "number"):
        return number
    return any_value


def _float_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"
