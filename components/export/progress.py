"""Progress reports for a caller that shows a progress bar."""

from __future__ import annotations

from collections.abc import Callable

REPORT_EVERY_ROWS = 1_000


class RowCounter:
    """Running total of rows read, passed to `on_rows` every 1,000 rows and at the end."""

    def __init__(self, on_rows: Callable[[int], None] | None) -> None:
        self._on_rows = on_rows
        self.total = 0

    def add(self) -> None:
        self.total += 1
        if self._on_rows is not None and self.total % REPORT_EVERY_ROWS == 0:
            self._on_rows(self.total)

    def finish(self) -> None:
        if self._on_rows is not None:
            self._on_rows(self.total)
