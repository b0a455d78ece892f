import json
import sys
import textwrap
import time

import pytest

from components.local_backend import LocalBackendError, build_start_command, data_dir, start_local_backend


def test_start_command_uses_json_and_free_port(tmp_path):
    command = build_start_command(tmp_path / "project", tmp_path / "data")

    assert command[:4] == [sys.executable, "-m", "local_supabase", "start"]
    assert command[command.index("--port") + 1] == "0"
    assert "--json" in command
    assert command[command.index("--data-dir") + 1] == str(tmp_path / "data")
    assert command[command.index("--project-dir") + 1] == str(tmp_path / "project")


def test_data_dir_override_from_environment(tmp_path):
    assert data_dir({"LOCAL_SUPABASE_DATA_DIR": str(tmp_path)}) == tmp_path


def test_data_dir_default_under_project():
    assert data_dir({}).name == ".local_supabase"


def python_command(source: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(source)]


READY = {
    "api_url": "http://127.0.0.1:1/",
    "db_url": "postgresql://postgres:pw@127.0.0.1:2/postgres",
    "anon_key": "anon-key",
    "service_role_key": "service-key",
}


def test_start_reads_ready_line_and_stop_ends_process(tmp_path):
    # A stand-in process that prints the ready line, then writes far more than a pipe buffer
    # (64 KiB on Linux) to stdout and stderr, and leaves a marker once all of it was written.
    marker = tmp_path / "wrote-everything"
    command = python_command(
        f"""
        import pathlib, sys, time
        print({json.dumps(json.dumps(READY))}, flush=True)
        for _ in range(2000):
            print("x" * 100, flush=True)
            print("log line", file=sys.stderr, flush=True)
        pathlib.Path({str(marker)!r}).touch()
        time.sleep(60)
        """
    )
    log_path = tmp_path / "backend.log"

    backend = start_local_backend(command, log_path, cwd=tmp_path, timeout=20)
    try:
        assert backend.info.api_url == "http://127.0.0.1:1"
        assert backend.info.anon_key.reveal() == "anon-key"
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists()
        assert backend.is_running()
    finally:
        backend.stop()

    assert not backend.is_running()
    assert "anon-key" not in log_path.read_text()


def test_start_silent_process_times_out_naming_log(tmp_path):
    command = python_command("import time; time.sleep(60)")
    log_path = tmp_path / "backend.log"

    with pytest.raises(LocalBackendError, match=str(log_path)):
        start_local_backend(command, log_path, cwd=tmp_path, timeout=1)


def test_start_process_exiting_early_reports_exit_code(tmp_path):
    command = python_command("import sys; print('no database', file=sys.stderr); sys.exit(3)")
    log_path = tmp_path / "backend.log"

    with pytest.raises(LocalBackendError, match="exited with code 3"):
        start_local_backend(command, log_path, cwd=tmp_path, timeout=20)
    assert "no database" in log_path.read_text()


def test_start_ready_line_missing_field_rejected(tmp_path):
    partial = {key: value for key, value in READY.items() if key != "anon_key"}
    command = python_command(
        f"import time; print({json.dumps(json.dumps(partial))}, flush=True); time.sleep(60)"
    )

    with pytest.raises(LocalBackendError, match="lacks anon_key"):
        start_local_backend(command, tmp_path / "backend.log", cwd=tmp_path, timeout=20)


def test_start_ready_line_not_json_rejected(tmp_path):
    command = python_command("import time; print('starting...', flush=True); time.sleep(60)")

    with pytest.raises(LocalBackendError, match="not JSON"):
        start_local_backend(command, tmp_path / "backend.log", cwd=tmp_path, timeout=20)
