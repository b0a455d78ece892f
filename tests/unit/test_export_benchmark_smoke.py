import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "export_xlsx.py"


def test_export_benchmark_runs_on_small_data():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--rows", "2000"], capture_output=True, text=True, timeout=240
    )
    lines = result.stdout.splitlines()

    assert result.returncode == 0, result.stderr
    assert lines[0].startswith("2,000 rows x 10 columns")
    assert [line.split()[0] for line in lines[2:5]] == ["project", "pandas-openpyxl", "pandas-csv"]
    assert lines[-1].startswith("target: project")
