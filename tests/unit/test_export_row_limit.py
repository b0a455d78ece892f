import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from components.export import ColumnSpec, SheetSpec, write_workbook

ROW_COUNT = 1_048_577
COLUMNS = [ColumnSpec("id", "integer"), ColumnSpec("label", "text")]
DIMENSION = re.compile(rb'<dimension ref="([A-Z]+\d+:[A-Z]+\d+)"')


class GeneratedRows:
    """Rows made on demand with a known length, so a million of them never sit in memory."""

    def __len__(self):
        return ROW_COUNT

    def __iter__(self):
        for number in range(ROW_COUNT):
            yield [number, "r"]


def sheet_xml_facts(archive, member):
    """Return a worksheet's dimension and its number of <row> elements, reading the XML in chunks."""
    rows = 0
    dimension = None
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            if dimension is None and (match := DIMENSION.search(text)):
                dimension = match.group(1).decode()
            rows += text.count(b"<row ")
            # Keep the last bytes so a "<row " split across two chunks is counted once.
            tail = text[-4:]
            rows -= tail.count(b"<row ")
    return dimension, rows


@pytest.fixture(scope="module", params=["sized", "generator"])
def written(request):
    # A generator has no length, so the writer reads it into a temporary file before planning sheets.
    rows = GeneratedRows() if request.param == "sized" else iter(GeneratedRows())
    buffer = io.BytesIO()
    stats = write_workbook([SheetSpec("Orders", COLUMNS, rows)], buffer, timezone="UTC")
    return stats, buffer


@pytest.mark.slow
def test_row_limit_continues_on_second_sheet(written):
    stats, _ = written

    assert stats.sheets == ["Orders", "Orders (2)"]
    assert stats.rows == ROW_COUNT


@pytest.mark.slow
def test_row_limit_first_sheet_full(written):
    with zipfile.ZipFile(written[1]) as archive:
        dimension, rows = sheet_xml_facts(archive, "xl/worksheets/sheet1.xml")

    assert dimension == "A1:B1048576"
    assert rows == 1_048_576


@pytest.mark.slow
def test_row_limit_second_sheet_has_rest(written):
    sheet = load_workbook(written[1], read_only=True)["Orders (2)"]

    assert list(sheet.iter_rows(values_only=True)) == [("id", "label"), (1_048_575, "r"), (1_048_576, "r")]
