"""W3C Trace Context at the edge: accept a caller's ``traceparent`` or start a trace.

The trace id goes on the request state (for errors, audit and logs) and is echoed in
the response's ``traceparent`` (with this hop's span id) so a caller can quote it.
"""

from __future__ import annotations

import re
import secrets

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_INVALID_TRACE = "0" * 32
_INVALID_SPAN = "0" * 16


def parse_traceparent(value: str | None) -> tuple[str, str] | None:
    """(trace id, flags) of a valid version-00 ``traceparent``, else None."""
    if not value:
        return None
    match = _TRACEPARENT.match(value.strip().lower())
    if match is None or match.group(1) == _INVALID_TRACE or match.group(2) == _INVALID_SPAN:
        return None
    return match.group(1), match.group(3)


class TraceContextMiddleware:
    """Puts ``trace_id``/``span_id`` on ``scope["state"]`` and echoes ``traceparent``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == b"traceparent":
                incoming = parse_traceparent(value.decode("latin-1"))
                break
        trace_id, flags = incoming or (secrets.token_hex(16), "01")
        span_id = secrets.token_hex(8)
        state = scope.setdefault("state", {})
        state["trace_id"] = trace_id
        state["span_id"] = span_id
        structlog.contextvars.bind_contextvars(trace_id=trace_id)
        header = f"00-{trace_id}-{span_id}-{flags}".encode()

        async def send_with_trace(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"traceparent", header)]
            await send(message)

        await self.app(scope, receive, send_with_trace)
