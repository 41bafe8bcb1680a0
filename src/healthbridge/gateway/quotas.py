"""The quota middleware: one count per authenticated request, 429 past the budget.

Every answer carries ``RateLimit-Policy`` and ``RateLimit``; a refusal adds
``Retry-After``. When the quota store (Redis) fails, requests pass and the failure is
logged: an outage of the shared counter must not become an outage of the API.
"""

from __future__ import annotations

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from healthbridge.gateway.problems import send_error
from healthbridge.security.principal import Principal
from healthbridge.security.quotas import Quotas

log = structlog.get_logger(__name__)


class QuotaMiddleware:
    """Counts requests of the principal's client against its quota."""

    def __init__(self, app: ASGIApp, *, quotas: Quotas) -> None:
        self.app = app
        self._quotas = quotas

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal = scope.get("state", {}).get("principal") if scope["type"] == "http" else None
        if not isinstance(principal, Principal):
            await self.app(scope, receive, send)
            return
        try:
            decision = await self._quotas.consume(principal.client_id)
        except Exception as error:  # any storage failure fails open
            log.warning("gateway_quota_unavailable", error_type=type(error).__name__)
            await self.app(scope, receive, send)
            return
        headers = decision.headers()
        if not decision.allowed:
            await send_error(
                scope,
                send,
                429,
                "gateway.quota_exceeded",
                f"the client's quota of {decision.limit} requests per "
                f"{decision.window_seconds} s is used up; retry after the Retry-After delay",
                headers=[*headers, (b"retry-after", str(decision.reset_seconds).encode())],
            )
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)
