"""Authentication: a bearer token on every non-public request, verified in process.

The middleware verifies the token (signature, exp, aud, iss, env: see
``security.tokens``), checks that a client of ours is still enabled (from a set cached
for a few seconds, so disabling a client takes effect within that delay and no request
waits on the database), and leaves the ``Principal`` on ``request.state.principal``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import structlog
from starlette.types import ASGIApp, Receive, Scope, Send

from healthbridge.gateway.problems import send_error
from healthbridge.gateway.public import PublicRoutes
from healthbridge.security.errors import InvalidToken
from healthbridge.security.principal import Principal
from healthbridge.security.tokens import TokenVerifier

log = structlog.get_logger(__name__)

REALM = 'Bearer realm="healthbridge"'


class EnabledClients:
    """The ids of enabled clients, re-read from the registry at most every ``ttl`` seconds."""

    def __init__(self, load: Callable[[], Awaitable[frozenset[str]]], ttl_seconds: float) -> None:
        self._load = load
        self._ttl = ttl_seconds
        self._ids: frozenset[str] = frozenset()
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    async def contains(self, client_id: str) -> bool:
        """Whether ``client_id`` is enabled, as of at most ``ttl`` seconds ago."""
        if time.monotonic() - self._loaded_at >= self._ttl:
            await self.refresh(only_if_stale=True)
        return client_id in self._ids

    async def refresh(self, *, only_if_stale: bool = False) -> None:
        """Re-read the enabled ids now (one reader at a time; others reuse its result)."""
        async with self._lock:
            if only_if_stale and time.monotonic() - self._loaded_at < self._ttl:
                return
            self._ids = await self._load()
            self._loaded_at = time.monotonic()


class AuthenticationMiddleware:
    """401 for a missing or refused token on any non-public route; else sets the principal."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        verifier: TokenVerifier,
        clients: EnabledClients,
        issuer: str,
        public: PublicRoutes,
    ) -> None:
        self.app = app
        self._verifier = verifier
        self._clients = clients
        self._issuer = issuer
        self._public = public

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in self._public:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        token = _bearer(scope)
        if token is None:
            await send_error(
                scope,
                send,
                401,
                "auth.unauthenticated",
                "an access token is required: send Authorization: Bearer <token> "
                "(get one from POST /oauth/token)",
                headers=[(b"www-authenticate", REALM.encode())],
            )
            return
        try:
            principal = await self._verifier.verify(token)
            await self._check_enabled(principal)
        except InvalidToken as error:
            log.info("gateway_token_refused", reason=error.safe_message)
            description = error.safe_message.replace('"', "'")
            challenge = f'{REALM}, error="invalid_token", error_description="{description}"'
            await send_error(
                scope,
                send,
                401,
                error.code,
                error.safe_message,
                headers=[(b"www-authenticate", challenge.encode())],
            )
            return
        scope.setdefault("state", {})["principal"] = principal
        structlog.contextvars.bind_contextvars(client_id=principal.client_id)
        await self.app(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket is held to the same rule; a refusal closes it with 1008 (policy)."""
        token = _bearer(scope)
        try:
            principal = await self._verifier.verify(token or "")
            await self._check_enabled(principal)
        except InvalidToken:
            await send({"type": "websocket.close", "code": 1008})
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    async def _check_enabled(self, principal: Principal) -> None:
        # Only our own clients are in the registry; an external IdP answers for its own.
        if principal.issuer == self._issuer and not await self._clients.contains(
            principal.client_id
        ):
            raise InvalidToken("the client of this token is disabled or no longer registered")


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return str(token).strip()
            return None
    return None
