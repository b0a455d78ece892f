"""Excel and CSV exports of table rows: typed cells, safe text, every row."""

from components.export.csv_writer import CSV_MIME_TYPE, write_csv
from components.export.model import ColumnKind, ColumnSpec, ExportError, ExportStats, SheetSpec
from components.export.xlsx import XLSX_MIME_TYPE, write_workbook

__all__ = [
    "CSV_MIME_TYPE",
    "XLSX_MIME_TYPE",
    "ColumnKind",
    "ColumnSpec",
    "ExportError",
    "ExportStats",
    "SheetSpec",
    "write_csv",
    "write_workbook",
]
