"""Converted rows kept in a temporary file until the number of sheets they need is known."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any

PAGE_ROWS = 1_000


class RowSpool:
    """Rows appended one at a time, pickled a page at a time into an unnamed temporary file.

    Memory stays bounded by one page. Only this process writes and reads the file, so loading
    it with pickle is safe.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._page: list[Sequence[Any]] = []
        self.count = 0

    def append(self, row: Sequence[Any]) -> None:
        self._page.append(row)
        self.count += 1
        if len(self._page) >= PAGE_ROWS:
            self._flush()

    def __iter__(self) -> Iterator[Sequence[Any]]:
        self._flush()
        self._file.seek(0)
        while True:
            try:
                page = pickle.load(self._file)
            except EOFError:
                return
            yield from page

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> RowSpool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _flush(self) -> None:
        if self._page:
            pickle.dump(self._page, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._page = []
