"""What every handler of the sandbox shares: the options it started with and its live state.

The wire layer talks to the ORM through the small structural types below, so the
protocol handlers depend on what they use (a name, credentials checks and two call
entry points) rather than on the ORM's internals.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

from healthbridge.core.errors import ConfigError
from healthbridge.sandbox.odoo.faults import FaultInjector
from healthbridge.sandbox.odoo.webhook_sender import Post, WebhookSender

SUPPORTED_VERSIONS = ("17.0", "18.0", "19.0")


class CallOutcome(Protocol):
    """A committed call: its JSON-ready value and the webhooks it triggered, in order."""

    @property
    def value(self) -> Any: ...

    @property
    def webhooks(self) -> Sequence[Post]: ...


class SandboxDatabase(Protocol):
    """The part of the sandbox ORM's ``Database`` that the wire layer calls."""

    @property
    def name(self) -> str: ...

    def version_info(self) -> dict[str, Any]: ...

    def api_keys(self) -> dict[str, str]: ...

    def authenticate(self, login: str, password: str) -> int | None: ...

    def check_credentials(self, uid: int, password: str) -> None: ...

    def uid_for_api_key(self, key: str) -> int | None: ...

    def execute_kw(
        self, uid: int, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None
    ) -> CallOutcome: ...

    def call_json2(
        self, uid: int, model: str, method: str, body: dict[str, Any]
    ) -> CallOutcome: ...

    def records(self, model: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True, slots=True)
class SandboxOptions:
    """How one sandbox server behaves; every default is what a real Odoo 19.0 does."""

    database: str = "healthbridge"
    server_version: str = "19.0"
    jsonrpc_error_code: int | None = None
    """``error.code`` of JSON-RPC application errors; None picks 0 on 19.0 and 200 on 17/18."""
    connection_close: bool = True
    """Odoo's threaded server closes every connection; False allows keep-alive."""
    api_keys: Mapping[str, str] | None = None
    """login -> API key, to fix keys for the demo; random keys when absent."""
    seed: int = 7
    control_token: str | None = None
    """Guards ``/_sandbox/*``; generated at start when absent."""
    webhook_timeout: float = 1.0
    webhook_log_size: int = 1000
    demo: bool = True

    def __post_init__(self) -> None:
        if self.server_version not in SUPPORTED_VERSIONS:
            raise ConfigError(
                f"sandbox server_version must be one of {', '.join(SUPPORTED_VERSIONS)}",
                details={"key": "server_version"},
            )
        if self.jsonrpc_error_code not in (None, 0, 200):
            raise ConfigError(
                "sandbox jsonrpc_error_code must be 0 or 200",
                details={"key": "jsonrpc_error_code"},
            )
        if not self.database:
            raise ConfigError(
                "sandbox database name must not be empty", details={"key": "database"}
            )

    @property
    def legacy(self) -> bool:
        """True for 17.0/18.0, which have no JSON-2 and order error keys differently."""
        return self.server_version != "19.0"

    @property
    def error_code(self) -> int:
        """The JSON-RPC ``error.code`` this server sends for application errors."""
        if self.jsonrpc_error_code is not None:
            return self.jsonrpc_error_code
        return 200 if self.legacy else 0


DatabaseFactory = Callable[[SandboxOptions, Mapping[str, str] | None], SandboxDatabase]
"""Builds a fresh database from the options; the mapping pins API keys across resets."""


@dataclass(slots=True)
class SandboxState:
    """The live server: options, current database, fault controls and webhook delivery."""

    options: SandboxOptions
    database_factory: DatabaseFactory
    database: SandboxDatabase
    faults: FaultInjector
    webhooks: WebhookSender
    control_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    def reset(self) -> None:
        """Swap in a fresh demo database (same API keys), clear faults and the webhook log."""
        keys = self.database.api_keys()
        self.database = self.database_factory(self.options, keys)
        self.faults.clear()
        self.webhooks.log.clear()


STATE = web.AppKey("healthbridge_sandbox_state", SandboxState)
