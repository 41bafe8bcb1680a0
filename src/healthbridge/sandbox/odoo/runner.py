"""Start and stop the sandbox: in-process for tests, or as ``python -m healthbridge.sandbox.odoo``.

The command-line form prints one JSON line (url, database, API keys, control token)
once the port is listening, so a parent process (the demo, a fault test that SIGKILLs
it) can read where it is and how to call it, then serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field

from aiohttp import web

from healthbridge.core.errors import HealthbridgeError
from healthbridge.observability import configure_logging
from healthbridge.sandbox.odoo.faults import FaultInjector
from healthbridge.sandbox.odoo.server import create_app
from healthbridge.sandbox.odoo.state import (
    STATE,
    SUPPORTED_VERSIONS,
    DatabaseFactory,
    SandboxDatabase,
    SandboxOptions,
    SandboxState,
)
from healthbridge.sandbox.odoo.webhook_sender import WebhookLog

# How long stop() lets in-flight calls finish before cancelling them.
SHUTDOWN_GRACE_SECONDS = 0.5


class SandboxStartError(HealthbridgeError):
    """The sandbox could not listen (e.g. the port is taken)."""

    code = "sandbox.start_failed"


@dataclass(slots=True)
class RunningSandbox:
    """A listening sandbox and the handles a test needs to steer and inspect it."""

    url: str
    """``http://host:port`` with the real port, no trailing slash."""
    options: SandboxOptions
    _runner: web.AppRunner = field(repr=False)
    _state: SandboxState = field(repr=False)

    @property
    def database(self) -> str:
        """The database name to pass as ``db`` / ``X-Odoo-Database``."""
        return self._state.database.name

    @property
    def api_keys(self) -> dict[str, str]:
        """login -> API key (bearer for JSON-2, password for JSON-RPC/XML-RPC)."""
        return self._state.database.api_keys()

    @property
    def control_token(self) -> str:
        """The ``X-Sandbox-Token`` value for ``/_sandbox/*``."""
        return self._state.control_token

    @property
    def db(self) -> SandboxDatabase:
        """The live ORM database, for direct inspection; replaced by ``reset()``."""
        return self._state.database

    @property
    def faults(self) -> FaultInjector:
        """The fault rules; add and clear them from the test directly."""
        return self._state.faults

    @property
    def webhook_log(self) -> WebhookLog:
        """Every webhook POST attempted, with its outcome (bounded)."""
        return self._state.webhooks.log

    @property
    def server_version(self) -> str:
        """The Odoo version this sandbox imitates."""
        return self.options.server_version

    def reset(self) -> None:
        """A fresh demo database with the same API keys; faults and webhook log cleared."""
        self._state.reset()

    def describe(self) -> dict[str, object]:
        """The JSON line the command-line runner prints once listening."""
        return {
            "url": self.url,
            "database": self.database,
            "server_version": self.server_version,
            "api_keys": self.api_keys,
            "control_token": self.control_token,
            "pid": os.getpid(),
        }

    async def stop(self) -> None:
        """Stop listening, drop hanging calls and close the webhook client; idempotent."""
        await self._runner.cleanup()


async def start_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    database: str = "healthbridge",
    server_version: str = "19.0",
    jsonrpc_error_code: int | None = None,
    connection_close: bool = True,
    api_keys: Mapping[str, str] | None = None,
    seed: int = 7,
    control_token: str | None = None,
    webhook_timeout: float = 1.0,
    demo: bool = True,
    database_factory: DatabaseFactory | None = None,
) -> RunningSandbox:
    """Listen on ``host:port`` (0 picks a free port) in the running event loop."""
    options = SandboxOptions(
        database=database,
        server_version=server_version,
        jsonrpc_error_code=jsonrpc_error_code,
        connection_close=connection_close,
        api_keys=api_keys,
        seed=seed,
        control_token=control_token,
        webhook_timeout=webhook_timeout,
        demo=demo,
    )
    app = create_app(options, database_factory=database_factory)
    runner = web.AppRunner(
        app, access_log=None, shutdown_timeout=SHUTDOWN_GRACE_SECONDS, handle_signals=False
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        raise SandboxStartError(
            f"the Odoo sandbox could not listen on {host}:{port}", details={"errno": exc.errno}
        ) from exc
    bound_host, bound_port = runner.addresses[0][:2]
    url_host = f"[{bound_host}]" if ":" in bound_host else bound_host
    return RunningSandbox(f"http://{url_host}:{bound_port}", options, runner, app[STATE])


@contextlib.asynccontextmanager
async def running_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    database: str = "healthbridge",
    server_version: str = "19.0",
    jsonrpc_error_code: int | None = None,
    connection_close: bool = True,
    api_keys: Mapping[str, str] | None = None,
    seed: int = 7,
    control_token: str | None = None,
    webhook_timeout: float = 1.0,
    demo: bool = True,
    database_factory: DatabaseFactory | None = None,
) -> AsyncIterator[RunningSandbox]:
    """``start_sandbox`` for the length of an ``async with`` block."""
    sandbox = await start_sandbox(
        host=host,
        port=port,
        database=database,
        server_version=server_version,
        jsonrpc_error_code=jsonrpc_error_code,
        connection_close=connection_close,
        api_keys=api_keys,
        seed=seed,
        control_token=control_token,
        webhook_timeout=webhook_timeout,
        demo=demo,
        database_factory=database_factory,
    )
    try:
        yield sandbox
    finally:
        await sandbox.stop()


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m healthbridge.sandbox.odoo",
        description="An Odoo external-API server (JSON-2, JSON-RPC, XML-RPC) for tests and demos.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8069, help="0 picks a free port")
    parser.add_argument("--db", default="healthbridge", help="database name")
    parser.add_argument("--server-version", default="19.0", choices=SUPPORTED_VERSIONS)
    parser.add_argument("--jsonrpc-error-code", type=int, choices=(0, 200), default=None)
    parser.add_argument(
        "--keep-alive", action="store_true", help="allow keep-alive (Odoo sends Connection: close)"
    )
    parser.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="LOGIN=KEY",
        help="fix a user's API key (repeatable)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--control-token", default=None)
    parser.add_argument("--log-level", default="warning")
    return parser.parse_args(argv)


def _api_keys(pairs: Sequence[str]) -> dict[str, str] | None:
    keys: dict[str, str] = {}
    for pair in pairs:
        login, sep, key = pair.partition("=")
        if not sep or not login or not key:
            raise SystemExit(f"--api-key expects LOGIN=KEY, got {login or pair!r}")
        keys[login] = key
    return keys or None


async def _serve(args: argparse.Namespace) -> None:
    sandbox = await start_sandbox(
        host=args.host,
        port=args.port,
        database=args.db,
        server_version=args.server_version,
        jsonrpc_error_code=args.jsonrpc_error_code,
        connection_close=not args.keep_alive,
        api_keys=_api_keys(args.api_key),
        seed=args.seed,
        control_token=args.control_token,
    )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    sys.stdout.write(json.dumps(sandbox.describe()) + "\n")
    sys.stdout.flush()
    try:
        await stopping.wait()
    finally:
        await sandbox.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sandbox until SIGTERM/SIGINT; the first stdout line is its JSON description."""
    args = _parse_args(argv)
    configure_logging(args.log_level)
    try:
        asyncio.run(_serve(args))
    except HealthbridgeError as exc:
        sys.stderr.write(f"{exc.code}: {exc.safe_message}\n")
        return 1
    return 0
