"""The app's local backend handling against the real `python -m local_supabase` CLI."""

import pytest

import components.local_backend as local_backend


@pytest.fixture
def fresh_process_state(monkeypatch, tmp_path):
    """Point the app at an empty data directory and stop whatever the test started."""
    monkeypatch.setenv(local_backend.DATA_DIR_VARIABLE, str(tmp_path / "data"))
    monkeypatch.setattr(local_backend, "_running", None)
    monkeypatch.setattr(local_backend, "_adopted", None)
    yield tmp_path / "data"
    local_backend.stop_local_backend()


def test_local_backend_started_once_per_process(fresh_process_state):
    first = local_backend.ensure_local_backend()
    process = local_backend._running.process

    second = local_backend.ensure_local_backend()

    assert second == first
    assert local_backend._running.process is process
    assert first.api_url.startswith("http://127.0.0.1:")


def test_local_backend_stop_ends_process(fresh_process_state):
    local_backend.ensure_local_backend()
    process = local_backend._running.process

    local_backend.stop_local_backend()

    assert process.poll() is not None
    assert local_backend._running is None


def test_local_backend_running_one_is_reused(backend):
    found = local_backend.find_running_backend(backend.data_dir, cwd=local_backend.PROJECT_DIR)

    assert found is not None
    assert found.api_url == backend.api_url.rstrip("/")
    assert found.anon_key.reveal() == backend.anon_key


def test_local_backend_none_running_finds_nothing(tmp_path):
    assert local_backend.find_running_backend(tmp_path / "empty", cwd=local_backend.PROJECT_DIR) is None
