"""Command line: `python -m local_supabase start | status | stop | reset`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from pathlib import Path

from .config import BackendConfig, split_list
from .context import ServiceContext
from .db import Database
from .instance import (
    DataDir,
    InstanceError,
    acquire_lock,
    clear_state,
    delete_data,
    describe,
    embedded_postgres,
    running_state,
    stop_instance,
    write_state,
)
from .keys import load_or_create_keys
from .migrations import MigrationError, prepare_database
from .postgres import PostgresError
from .server import Endpoints, bind_socket, build_app, serve

logger = logging.getLogger("local_supabase")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m local_supabase",
        description="A local Supabase-compatible backend (auth and REST) on an embedded PostgreSQL.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def add_common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--data-dir", type=Path, help="state folder (default: .local_supabase)")
        sub.add_argument("--project-dir", type=Path, help="folder holding supabase/migrations and seed.sql")
        sub.add_argument("--db-url", help="use this PostgreSQL server instead of the embedded one")
        sub.add_argument("--verbose", action="store_true", help="log SQL and debug details to stderr")

    start = commands.add_parser("start", help="run the backend in the foreground until interrupted")
    add_common(start)
    start.add_argument("--port", type=int, help="API port on 127.0.0.1 (default 54321; 0 picks a free one)")
    start.add_argument("--max-rows", type=int, help="maximum rows one REST read returns (default 1000)")
    start.add_argument("--jwt-expiry", type=int, help="access token lifetime in seconds (default 3600)")
    start.add_argument("--json", action="store_true", help="print one JSON line with the URLs and keys")
    start.add_argument(
        "--schemas",
        help="comma-separated schemas the REST API exposes, the default one first (default public)",
    )
    start.add_argument(
        "--max-url-length",
        type=int,
        help="longest path and query in bytes; longer requests get 414 (default 8192; 0 turns the check off)",
    )
    _add_auth_arguments(start)

    status = commands.add_parser("status", help="exit 0 and print the URLs when running, else exit 1")
    add_common(status)
    status.add_argument("--json", action="store_true", help="print one JSON line")

    add_common(commands.add_parser("stop", help="stop the running backend (does nothing if none runs)"))
    add_common(commands.add_parser("reset", help="delete the database and create it again with the seed"))
    return parser


def _add_auth_arguments(start: argparse.ArgumentParser) -> None:
    auth = start.add_argument_group("auth")
    auth.add_argument(
        "--site-url", help="default redirect of email links and OAuth (default http://127.0.0.1:3000)"
    )
    auth.add_argument(
        "--redirect-urls",
        help="comma-separated redirect patterns allowed besides the site URL, with * and ** wildcards"
        " (default: any port and path on localhost, 127.0.0.1 and [::1]; '' allows only the site URL)",
    )
    auth.add_argument(
        "--otp-expiry", type=int, help="lifetime of email codes and links in seconds (default 3600)"
    )
    auth.add_argument(
        "--auth-providers",
        help="comma-separated OAuth providers of the stand-in page (default github,google)",
    )
    auth.add_argument(
        "--autoconfirm",
        action=argparse.BooleanOptionalAction,
        help="confirm sign-ups at once instead of emailing a confirmation (default on)",
    )
    auth.add_argument(
        "--signup",
        dest="signup_enabled",
        action=argparse.BooleanOptionalAction,
        help="allow sign-ups (default on)",
    )
    auth.add_argument(
        "--rate-limit-email-sent",
        type=int,
        help="emails per address per hour (default 0, no limit)",
    )
    auth.add_argument(
        "--rate-limit-sign-in",
        type=int,
        help="sign-in and sign-up requests per IP address per 5 minutes (default 0, no limit)",
    )


def _list_arg(args: argparse.Namespace, name: str) -> tuple[str, ...] | None:
    raw = getattr(args, name, None)
    return None if raw is None else split_list(raw)


def _config(args: argparse.Namespace) -> BackendConfig:
    config = BackendConfig()
    overrides = {
        "data_dir": args.data_dir,
        "project_dir": args.project_dir,
        "database_url": args.db_url,
        "port": getattr(args, "port", None),
        "max_rows": getattr(args, "max_rows", None),
        "exposed_schemas": _list_arg(args, "schemas") or None,
        "max_url_length": getattr(args, "max_url_length", None),
        "jwt_expiry_seconds": getattr(args, "jwt_expiry", None),
        "site_url": getattr(args, "site_url", None),
        "redirect_urls": _list_arg(args, "redirect_urls"),
        "otp_expiry_seconds": getattr(args, "otp_expiry", None),
        "auth_providers": _list_arg(args, "auth_providers"),
        "autoconfirm": getattr(args, "autoconfirm", None),
        "signup_enabled": getattr(args, "signup_enabled", None),
        "email_rate_limit": getattr(args, "rate_limit_email_sent", None),
        "sign_in_rate_limit": getattr(args, "rate_limit_sign_in", None),
    }
    return replace(config, **{name: value for name, value in overrides.items() if value is not None})


def _print_endpoints(endpoints: Endpoints, as_json: bool) -> None:
    if as_json:
        print(json.dumps(endpoints.as_dict()), flush=True)
        return
    print(f"API URL: {endpoints.api_url}")
    print(f"DB URL: {endpoints.db_url}")
    print(f"anon key: {endpoints.anon_key}")
    print(f"service_role key: {endpoints.service_role_key}", flush=True)


def _start(config: BackendConfig, as_json: bool) -> int:
    data_dir = DataDir(config.data_dir.resolve())
    lock = acquire_lock(data_dir)
    logger.info("starting: %s", describe(config))
    keys = load_or_create_keys(data_dir.root)

    postgres = None
    if config.database_url:
        db_url = config.database_url
    else:
        postgres = embedded_postgres(data_dir)
        postgres.initialise()
        postgres.start()
        db_url = postgres.url

    try:
        prepare_database(db_url, config.migrations_dir, config.seed_file)
        sock = bind_socket(config.host, config.port)
        api_url = f"http://{config.host}:{sock.getsockname()[1]}"
        ctx = ServiceContext(config=config, keys=keys, db=Database(db_url), api_url=api_url)
        endpoints = Endpoints(api_url, db_url, keys.anon_key, keys.service_role_key)

        def on_ready() -> None:
            write_state(data_dir, endpoints.as_dict())
            logger.info("ready at %s", api_url)
            _print_endpoints(endpoints, as_json)

        serve(build_app(ctx), sock, on_ready)
    finally:
        clear_state(data_dir)
        if postgres is not None:
            postgres.stop()
        lock.close()
    logger.info("stopped")
    return 0


def _status(config: BackendConfig, as_json: bool) -> int:
    state = running_state(DataDir(config.data_dir.resolve()))
    if state is None:
        print("not running", file=sys.stderr)
        return 1
    _print_endpoints(
        Endpoints(state["api_url"], state["db_url"], state["anon_key"], state["service_role_key"]), as_json
    )
    return 0


def _reset(config: BackendConfig) -> int:
    data_dir = DataDir(config.data_dir.resolve())
    stop_instance(data_dir)
    lock = acquire_lock(data_dir)
    try:
        if config.database_url:
            raise InstanceError(
                "reset recreates only the embedded database; drop and recreate an external one yourself"
            )
        delete_data(data_dir)
        postgres = embedded_postgres(data_dir)
        postgres.initialise()
        postgres.start()
        try:
            prepare_database(postgres.url, config.migrations_dir, config.seed_file)
        finally:
            postgres.stop()
    finally:
        lock.close()
    print(f"reset the database in {data_dir.root}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config = _config(args)

    try:
        if args.command == "start":
            return _start(config, args.json)
        if args.command == "status":
            return _status(config, args.json)
        if args.command == "stop":
            stopped = stop_instance(DataDir(config.data_dir.resolve()))
            print("stopped" if stopped else "not running", file=sys.stderr)
            return 0
        return _reset(config)
    except (InstanceError, PostgresError, MigrationError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
