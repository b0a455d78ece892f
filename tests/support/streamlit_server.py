"""Run `streamlit run app.py` on a free loopback port for browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support.backend import REPO_ROOT

READY_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class StreamlitServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_streamlit(env: dict[str, str], log_path: Path) -> StreamlitServer:
    """Start the app with `env` added to this process's environment, and wait for its health check."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # A test server must not reload modules when files change under it, as an editor's save would.
        "--server.fileWatcherType",
        "none",
    ]
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPABASE_", "LOCAL_SUPABASE_"))}
    log = log_path.open("wb")
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env={**base_env, **env}, stdout=log, stderr=subprocess.STDOUT
    )

    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early; its log:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return StreamlitServer(url, process, log_path)
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not answer within {READY_TIMEOUT_SECONDS}s; log: {log_path}")
