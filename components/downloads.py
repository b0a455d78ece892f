"""Download callables for st.download_button that remember why a build failed.

Streamlit runs a `data=` callable in a worker thread when the button is clicked, and with
`on_click="ignore"` no rerun follows. The browser then shows only Streamlit's generic
"Failed to generate file for download", so the callable stores a plain message in a
DownloadStatus that the page shows on its next run.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from postgrest.exceptions import APIError

from components.errors import UserFacingError, data_error_message
from components.export.model import ExportError
from components.keyset import ExportIncompleteError

logger = logging.getLogger(__name__)


@dataclass
class DownloadStatus:
    """The message of the last failed download build of one session, None after a success."""

    error: str | None = None


# The failures a download build turns into a message for the page. Anything else is a bug and propagates.
DOWNLOAD_ERRORS = (
    ExportError,
    ExportIncompleteError,
    UserFacingError,
    APIError,
    httpx.HTTPError,
)


def download_error_message(exc: BaseException, backend_url: str, what: str) -> str:
    """Return why building the download `what` (such as "Excel file") failed, in plain words, and log it."""
    if isinstance(exc, ExportError):
        return str(exc)
    if isinstance(exc, ExportIncompleteError):
        logger.warning("%s export incomplete: %s", what, exc)
        return f"The {what} was not built because rows changed while it was read ({exc}). Try again."
    if isinstance(exc, UserFacingError):
        return f"The {what} was not built: {exc}"
    logger.warning("%s export failed: %s", what, type(exc).__name__)
    if isinstance(exc, (APIError, httpx.HTTPError)):
        return f"The {what} was not built. {data_error_message(exc, backend_url)}"
    return f"The {what} was not built: {type(exc).__name__}."


def guarded_download(
    build: Callable[[], bytes], status: DownloadStatus, backend_url: str, what: str
) -> Callable[[], bytes]:
    """Wrap `build` so a failure is logged, stored in `status` as a plain message, and re-raised."""

    def run() -> bytes:
        try:
            data = build()
        except DOWNLOAD_ERRORS as exc:
            status.error = download_error_message(exc, backend_url, what)
            raise

        status.error = None
        return data

    return run


def safe_file_stem(name: str) -> str:
    """Lower-case `name` and replace each run of characters other than letters and digits with "-"."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return stem or "team"
