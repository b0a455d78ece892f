"""One backend instance per data directory: its lock, its state file and its database."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import signal
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .config import BackendConfig
from .postgres import EmbeddedPostgres

logger = logging.getLogger(__name__)

STATE_FILE = "server.json"
LOCK_FILE = "server.lock"
STOP_TIMEOUT_SECONDS = 30


class InstanceError(RuntimeError):
    """The instance cannot do what was asked, for a reason the message explains."""


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def pgdata(self) -> Path:
        return self.root / "pgdata"

    @property
    def db_password(self) -> Path:
        return self.root / "db_password"

    @property
    def postgres_log(self) -> Path:
        return self.root / "postgres.log"

    @property
    def state_file(self) -> Path:
        return self.root / STATE_FILE

    @property
    def lock_file(self) -> Path:
        return self.root / LOCK_FILE


def embedded_postgres(data_dir: DataDir, port: int = 0) -> EmbeddedPostgres:
    return EmbeddedPostgres(data_dir.pgdata, data_dir.db_password, data_dir.postgres_log, port=port)


def acquire_lock(data_dir: DataDir) -> IO[str]:
    """Take the instance lock for this data directory, held until the process exits."""
    data_dir.root.mkdir(parents=True, exist_ok=True)
    handle = data_dir.lock_file.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        running = read_state(data_dir)
        where = f" at {running['api_url']}" if running else ""
        raise InstanceError(
            f"a local backend is already running{where} with data directory {data_dir.root}; "
            "stop it with `python -m local_supabase stop` or pass another --data-dir"
        ) from None
    return handle


def write_state(data_dir: DataDir, values: dict[str, Any]) -> None:
    temporary = data_dir.state_file.with_suffix(".tmp")
    temporary.write_text(json.dumps({**values, "pid": os.getpid()}))
    # The state contains the service-role key, so only the owner may read it.
    temporary.chmod(0o600)
    temporary.replace(data_dir.state_file)


def read_state(data_dir: DataDir) -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads(data_dir.state_file.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return state


def clear_state(data_dir: DataDir) -> None:
    data_dir.state_file.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/auth/v1/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def running_state(data_dir: DataDir) -> dict[str, Any] | None:
    """Return the state of a live instance that responds to health checks, or None."""
    state = read_state(data_dir)
    if state is None or not _pid_alive(int(state.get("pid", 0))):
        return None
    return state if is_healthy(str(state["api_url"])) else None


def stop_instance(data_dir: DataDir) -> bool:
    """Stop the instance of this data directory if one runs. Return True when one was stopped."""
    state = read_state(data_dir)
    stopped = False
    if state is not None and _pid_alive(int(state.get("pid", 0))):
        pid = int(state["pid"])
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _pid_alive(pid):
            logger.warning("backend process %s did not stop in %ss: killing it", pid, STOP_TIMEOUT_SECONDS)
            os.kill(pid, signal.SIGKILL)
        stopped = True

    # A killed instance can leave its PostgreSQL behind.
    if (data_dir.pgdata / "postmaster.pid").exists():
        embedded_postgres(data_dir).stop()
    clear_state(data_dir)
    return stopped


def delete_data(data_dir: DataDir) -> None:
    """Delete the database, keeping the JWT secret so API keys stay the same."""
    shutil.rmtree(data_dir.pgdata, ignore_errors=True)
    data_dir.db_password.unlink(missing_ok=True)
    data_dir.postgres_log.unlink(missing_ok=True)


def describe(config: BackendConfig) -> str:
    source = "an existing server" if config.database_url else "embedded PostgreSQL"
    return f"data directory {config.data_dir.resolve()}, project {config.project_dir.resolve()}, {source}"
