"""A quick run of the REST read benchmark on a small table, so the script keeps working. No timing targets."""

from __future__ import annotations

import subprocess
import sys

from tests.support.backend import REPO_ROOT


def test_rest_read_benchmark_runs_small() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/rest_read.py", "--rows", "10000", "--repeat", "3"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert result.returncode == 0, result.stderr
    assert "REST / direct:" in result.stdout
    assert "deep page by keyset:" in result.stdout
    assert "deep page by offset:" in result.stdout
