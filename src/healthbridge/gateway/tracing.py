"""W3C Trace Context at the edge: one SERVER span per request, under the caller's trace.

A valid incoming ``traceparent`` is the span's parent; otherwise the request starts a
trace. The span is the current context while the rest of the app runs, so the Odoo
calls and event publishes a route makes are its children, and the events carry its
trace on. The trace id goes on the request state (for errors, audit and logs) and is
echoed in the response's ``traceparent`` (with this span's id) so a caller can quote it.

The span is named ``METHOD /route/{template}`` once routing has matched; the raw path
is never recorded (it can carry identifiers). A 5xx answer marks the span as an error.

Without a tracer provider (``configure_tracing`` not called) a non-recording span with
fresh ids stands in: nothing is exported, but the trace id still reaches the state, the
logs, the response and the events the request publishes.
"""

from __future__ import annotations

import random
import re
from typing import Final

import structlog
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import (
    INVALID_SPAN_ID,
    INVALID_TRACE_ID,
    NonRecordingSpan,
    Span,
    SpanContext,
    SpanKind,
    TraceFlags,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from healthbridge.observability.tracing import mark_failed, tracer, tracing_enabled

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_INVALID_TRACE = "0" * 32
_INVALID_SPAN = "0" * 16
_SAMPLED: Final = TraceFlags(TraceFlags.SAMPLED)
_EMPTY: Final = Context()


def parse_traceparent(value: str | None) -> tuple[str, str] | None:
    """(trace id, flags) of a valid version-00 ``traceparent``, else None."""
    parsed = _parse(value)
    return None if parsed is None else (parsed[0], parsed[2])


def _parse(value: str | None) -> tuple[str, str, str] | None:
    """(trace id, parent span id, flags) of a valid version-00 ``traceparent``, else None."""
    if not value:
        return None
    match = _TRACEPARENT.match(value.strip().lower())
    if match is None or match.group(1) == _INVALID_TRACE or match.group(2) == _INVALID_SPAN:
        return None
    return match.group(1), match.group(2), match.group(3)


def _remote_parent(value: str | None) -> Context | None:
    """The caller's span as a parent context (None: start a trace).

    Parsed here rather than by the OpenTelemetry propagator, which costs three times as
    much per request and reads the ``tracestate`` the gateway does not use.
    """
    parsed = _parse(value)
    if parsed is None:
        return None
    caller = SpanContext(
        int(parsed[0], 16),
        int(parsed[1], 16),
        is_remote=True,
        trace_flags=TraceFlags(int(parsed[2], 16)),
    )
    return trace.set_span_in_context(NonRecordingSpan(caller), _EMPTY)


def _stand_in(incoming: str | None) -> Span:
    """A non-recording span with fresh ids, continuing ``incoming``'s trace when valid."""
    parsed = parse_traceparent(incoming)
    trace_id = int(parsed[0], 16) if parsed else random.getrandbits(128) or 1
    flags = TraceFlags(int(parsed[1], 16)) if parsed else _SAMPLED
    span_id = random.getrandbits(64) or 1
    return NonRecordingSpan(SpanContext(trace_id, span_id, is_remote=False, trace_flags=flags))


def _route_template(scope: Scope) -> str | None:
    route = scope.get("route")
    template = getattr(route, "path", None)
    return template if isinstance(template, str) else None


class TraceContextMiddleware:
    """Runs each HTTP request inside a SERVER span; ``trace_id``/``span_id`` on the state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == b"traceparent":
                incoming = value.decode("latin-1")
                break
        method = scope["method"]
        if tracing_enabled():
            # No valid traceparent: the request starts a trace, whatever else is current.
            parent = _remote_parent(incoming) or _EMPTY
            span = tracer().start_span(method, parent, SpanKind.SERVER)
        else:
            span = _stand_in(incoming)
        span_context = span.get_span_context()
        if span_context.trace_id == INVALID_TRACE_ID or span_context.span_id == INVALID_SPAN_ID:
            span = _stand_in(incoming)  # a no-op tracer: keep ids flowing all the same
            span_context = span.get_span_context()
        trace_id = format(span_context.trace_id, "032x")
        span_id = format(span_context.span_id, "016x")
        state = scope.setdefault("state", {})
        state["trace_id"] = trace_id
        state["span_id"] = span_id
        structlog.contextvars.bind_contextvars(trace_id=trace_id)
        header = f"00-{trace_id}-{span_id}-{span_context.trace_flags:02x}".encode()
        status = 500

        async def send_with_trace(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", []), (b"traceparent", header)]
            await send(message)

        token = otel_context.attach(trace.set_span_in_context(span))
        try:
            await self.app(scope, receive, send_with_trace)
        except BaseException as exc:
            if span.is_recording():
                _finish(span, scope, method, status, type(exc).__name__)
            raise
        else:
            if span.is_recording():
                _finish(span, scope, method, status, str(status) if status >= 500 else None)
        finally:
            otel_context.detach(token)


def _finish(span: Span, scope: Scope, method: str, status: int, error: str | None) -> None:
    """Name the span by its route and set its attributes at once (one lock, one copy)."""
    attributes: dict[str, str | int] = {
        "http.request.method": method,
        "http.response.status_code": status,
    }
    template = _route_template(scope)
    if template is not None:
        span.update_name(f"{method} {template}")
        attributes["http.route"] = template
    span.set_attributes(attributes)
    if error is not None:
        mark_failed(span, error)
    span.end()
