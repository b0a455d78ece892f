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
from components.excel import ExcelBuildError
from components.orders import ExportIncompleteError

logger = logging.getLogger(__name__)


@dataclass
class DownloadStatus:
    """The message of the last failed download build of one session, None after a success."""

    error: str | None = None


def guarded_download(
    build: Callable[[], bytes], status: DownloadStatus, backend_url: str, what: str
) -> Callable[[], bytes]:
    """Wrap `build` so a failure is logged, stored in `status` as a plain message, and re-raised."""

    def run() -> bytes:
        try:
            data = build()
        except ExcelBuildError as exc:
            status.error = str(exc)
            raise
        except ExportIncompleteError as exc:
            status.error = (
                f"The {what} was not built because orders changed while it was read ({exc}). Try again."
            )
            logger.warning("%s export incomplete: %s", what, exc)
            raise
        except UserFacingError as exc:
            status.error = f"The {what} was not built: {exc}"
            raise
        except (APIError, httpx.HTTPError) as exc:
            status.error = f"The {what} was not built. {data_error_message(exc, backend_url)}"
            logger.warning("%s export failed: %s", what, type(exc).__name__)
            raise

        status.error = None
        return data

    return run


def safe_file_stem(name: str) -> str:
    """Lower-case `name` and replace each run of characters other than letters and digits with "-"."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return stem or "team"
