"""Start `python -m local_supabase` as a subprocess for tests, exactly as a developer would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 120


@dataclass
class RunningBackend:
    api_url: str
    db_url: str
    anon_key: str
    service_role_key: str
    data_dir: Path
    process: subprocess.Popen[str]
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _read_first_line(stream: IO[str], result: list[str]) -> None:
    result.append(stream.readline())


def start_backend(
    project_dir: Path = REPO_ROOT,
    *,
    data_dir: Path | None = None,
    extra_args: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> RunningBackend:
    """Start a backend on a free port and return its endpoints once it prints them."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="local_supabase_test_"))
    log_path = data_dir.parent / f"{data_dir.name}.log"
    command = [
        sys.executable,
        "-m",
        "local_supabase",
        "start",
        "--port",
        "0",
        "--json",
        "--data-dir",
        str(data_dir),
        "--project-dir",
        str(project_dir),
        *(extra_args or []),
    ]
    log = log_path.open("w")
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None

    line: list[str] = []
    reader = threading.Thread(target=_read_first_line, args=(process.stdout, line), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT_SECONDS)
    if not line or not line[0].strip():
        process.kill()
        raise RuntimeError(f"local backend did not start; its log:\n{log_path.read_text()[-4000:]}")

    values = json.loads(line[0])
    return RunningBackend(
        api_url=values["api_url"],
        db_url=values["db_url"],
        anon_key=values["anon_key"],
        service_role_key=values["service_role_key"],
        data_dir=data_dir,
        process=process,
        log_path=log_path,
    )
