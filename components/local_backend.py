"""The local backend process: `python -m local_supabase start`, run once per Streamlit process."""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from components.settings import Secret

logger = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[1]
DATA_DIR_VARIABLE = "LOCAL_SUPABASE_DATA_DIR"
LOG_FILE_NAME = "streamlit-backend.log"
# The first start creates a PostgreSQL cluster, applies the migrations and loads the seed.
START_TIMEOUT_SECONDS = 180.0
STOP_TIMEOUT_SECONDS = 30.0
STATUS_TIMEOUT_SECONDS = 30.0
REQUIRED_FIELDS = ("api_url", "db_url", "anon_key", "service_role_key")


class LocalBackendError(RuntimeError):
    """The local backend could not be started. The message names its log file."""


@dataclass(frozen=True)
class LocalBackendInfo:
    """The URLs and keys that `local_supabase start --json` prints once its API is ready."""

    api_url: str
    db_url: Secret
    anon_key: Secret
    service_role_key: Secret


def data_dir(environ: dict[str, str] | None = None) -> Path:
    environ = dict(os.environ) if environ is None else environ
    override = environ.get(DATA_DIR_VARIABLE, "").strip()
    return Path(override) if override else PROJECT_DIR / ".local_supabase"


def build_start_command(project_dir: Path, backend_data_dir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "local_supabase",
        "start",
        "--port",
        "0",
        "--json",
        "--data-dir",
        str(backend_data_dir),
        "--project-dir",
        str(project_dir),
    ]


def build_status_command(backend_data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "local_supabase", "status", "--json", "--data-dir", str(backend_data_dir)]


def find_running_backend(backend_data_dir: Path, cwd: Path) -> LocalBackendInfo | None:
    """Return the backend already serving `backend_data_dir`, such as one a developer started by hand.

    Only one backend can run per data directory, so starting a second one there would fail.
    """
    try:
        result = subprocess.run(
            build_status_command(backend_data_dir),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=STATUS_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        logger.warning("`local_supabase status` timed out after %.0f s", STATUS_TIMEOUT_SECONDS)
        return None

    if result.returncode != 0 or not result.stdout.strip():
        return None
    return _parse_ready_line(result.stdout.splitlines()[0], backend_data_dir / LOG_FILE_NAME)


class LocalBackendProcess:
    """A running `local_supabase start` child process and what it printed when ready."""

    def __init__(self, process: subprocess.Popen[str], info: LocalBackendInfo, log_path: Path) -> None:
        self.process = process
        self.info = info
        self.log_path = log_path

    def is_running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.is_running():
            logger.info("stopping the local backend (pid %s)", self.process.pid)
        _terminate(self.process)


def start_local_backend(
    command: list[str], log_path: Path, cwd: Path, timeout: float = START_TIMEOUT_SECONDS
) -> LocalBackendProcess:
    """Run `command` and wait for the one JSON line it prints on stdout when its API is ready.

    stderr goes to `log_path`. A reader thread keeps draining stdout into the same log after
    the first line, so the child never blocks on a full pipe. Raises LocalBackendError, after
    stopping the child, when it exits, prints something else, or stays silent for `timeout` seconds.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as log_file:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
            encoding="utf-8",
        )
    logger.info("started the local backend (pid %s), log in %s", process.pid, log_path)

    first_line: queue.Queue[str | None] = queue.Queue(maxsize=1)
    reader = threading.Thread(
        target=_read_stdout,
        args=(process.stdout, log_path, first_line),
        name="local-backend-stdout",
        daemon=True,
    )
    reader.start()

    try:
        line = first_line.get(timeout=timeout)
        if line is None:
            _terminate(process)
            raise LocalBackendError(
                f"The local backend exited with code {process.returncode} before it was ready. "
                f"See its log: {log_path}"
            )
        info = _parse_ready_line(line, log_path)
    except queue.Empty:
        _terminate(process)
        raise LocalBackendError(
            f"The local backend did not report ready within {timeout:.0f} s. See its log: {log_path}"
        ) from None
    except BaseException:
        _terminate(process)
        raise

    logger.info("the local backend is ready at %s", info.api_url)
    return LocalBackendProcess(process, info, log_path)


def _read_stdout(stdout: IO[str] | None, log_path: Path, first_line: queue.Queue[str | None]) -> None:
    if stdout is None:
        first_line.put(None)
        return

    line = stdout.readline()
    first_line.put(line if line else None)
    if not line:
        return

    # The ready line contains keys, so only the lines after it go to the log.
    with log_path.open("a", encoding="utf-8") as log_file:
        for later_line in stdout:
            log_file.write(later_line)
            log_file.flush()


def _parse_ready_line(line: str, log_path: Path) -> LocalBackendInfo:
    # The line carries keys, so error messages never quote it.
    try:
        fields = json.loads(line)
    except json.JSONDecodeError:
        raise LocalBackendError(
            f"The local backend printed a first line that is not JSON. See its log: {log_path}"
        ) from None

    if not isinstance(fields, dict):
        raise LocalBackendError(
            f"The local backend printed JSON that is not an object. See its log: {log_path}"
        )
    missing = [name for name in REQUIRED_FIELDS if not isinstance(fields.get(name), str) or not fields[name]]
    if missing:
        raise LocalBackendError(
            f"The local backend's ready line lacks {', '.join(missing)}. See its log: {log_path}"
        )

    return LocalBackendInfo(
        api_url=fields["api_url"].rstrip("/"),
        db_url=Secret(fields["db_url"]),
        anon_key=Secret(fields["anon_key"]),
        service_role_key=Secret(fields["service_role_key"]),
    )


def _terminate(process: subprocess.Popen[str]) -> None:
    """Send SIGTERM, and SIGKILL when the process has not exited within STOP_TIMEOUT_SECONDS."""
    if process.poll() is not None:
        return

    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        logger.warning(
            "the local backend (pid %s) ignored SIGTERM for %.0f s: killing it",
            process.pid,
            STOP_TIMEOUT_SECONDS,
        )
        process.kill()
        process.wait()


# One local backend per Streamlit process, shared by every browser session. It is a process
# resource like a port, contains no user data and no client, and is stopped at interpreter exit.
_process_lock = threading.Lock()
_running: LocalBackendProcess | None = None
_adopted: LocalBackendInfo | None = None
_stop_registered = False


def ensure_local_backend() -> LocalBackendInfo:
    """Start the local backend once per process and return its API URL and keys.

    A backend already running on the same data directory is used as it is and left running at
    exit. A backend this process started and that has exited since is started again.
    Concurrent sessions wait on a lock, so only one of them starts it. Raises LocalBackendError.
    """
    global _running, _adopted, _stop_registered

    with _process_lock:
        # NOTE: an adopted backend is not checked again; if it stops, requests fail as unreachable.
        if _adopted is not None:
            return _adopted
        if _running is not None and _running.is_running():
            return _running.info
        if _running is not None:
            logger.warning(
                "the local backend exited with code %s: starting it again (log in %s)",
                _running.process.returncode,
                _running.log_path,
            )
            _running = None

        backend_data_dir = data_dir()
        running_elsewhere = find_running_backend(backend_data_dir, cwd=PROJECT_DIR)
        if running_elsewhere is not None:
            logger.info("using the local backend already running at %s", running_elsewhere.api_url)
            _adopted = running_elsewhere
            return _adopted

        command = build_start_command(PROJECT_DIR, backend_data_dir)
        _running = start_local_backend(command, backend_data_dir / LOG_FILE_NAME, cwd=PROJECT_DIR)
        if not _stop_registered:
            atexit.register(stop_local_backend)
            _stop_registered = True
        return _running.info


def stop_local_backend() -> None:
    global _running

    with _process_lock:
        if _running is not None:
            _running.stop()
            _running = None
