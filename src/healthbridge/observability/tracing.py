"""OpenTelemetry tracing: the provider, one tracer, spans, and W3C trace context hand-over.

One trace follows a business exchange across every hop the hub makes: an API request, the
event it publishes (``traceparent`` in NATS headers), the webhook that event triggers
(``traceparent`` in the HTTP headers) and the workflow it starts (``traceparent`` in the
workflow's input model, since a workflow may resume in another process days later). The
hand-over is always the same two calls: ``inject_traceparent(carrier)`` on the sending
side, ``extract_context(carrier)`` on the receiving side, and the receiving span is
started with that context as its parent.

Where spans come from: the gateway's ``TraceContextMiddleware`` (a SERVER span per
request), the event publisher (PRODUCER per event) and subscription worker (CONSUMER
per event), the webhook sender (CLIENT per attempt), the Odoo call hook, the MLLP
handler and the workflow steps (``workflows/tracing.py``). The hot paths check
``tracing_enabled()`` first and skip span building when no provider is set up.

Export: ``none`` (spans are still created so trace ids reach the logs), ``console``
(JSON to stdout, for a demo) or ``otlp`` (to a collector, over HTTP/protobuf, with
``opentelemetry-exporter-otlp-proto-http``, a declared dependency; the endpoint defaults
to the exporter's own, ``OTEL_EXPORTER_OTLP_*`` variables apply). Tests pass their own
exporter, typically ``InMemorySpanExporter``.

A span never carries an exception's text: it may quote PHI. A failure is recorded as
the error status and the exception's type name (``error.type``).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Final, Literal, TypeVar

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagators.textmap import Getter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.trace import (
    NonRecordingSpan,
    Span,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    Tracer,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import AttributeValue

from healthbridge.core.sections.observability import ObservabilitySettings

TRACER_NAME: Final = "healthbridge"
TRACEPARENT: Final = "traceparent"
TRACESTATE: Final = "tracestate"

TraceExport = Literal["none", "console", "otlp"]

_PROPAGATOR: Final = TraceContextTextMapPropagator()
_Carrier = TypeVar("_Carrier", bound=MutableMapping[str, str])


@dataclass(slots=True)
class _State:
    provider: TracerProvider | None = None
    tracer: Tracer | None = None


_state = _State()


def configure_tracing(
    service_name: str,
    *,
    export: TraceExport = "none",
    otlp_endpoint: str | None = None,
    exporter: SpanExporter | None = None,
    install_global: bool = True,
) -> TracerProvider:
    """Set up the process's tracer provider; spans of ``tracer()`` go to it from now on.

    ``exporter`` (tests) is attached synchronously so spans are visible the moment they
    end. ``install_global`` also makes it OpenTelemetry's global provider, for libraries
    that trace on their own; OpenTelemetry allows that once per process, so later calls
    replace only the hub's own provider.
    """
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    if export == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    elif export == "otlp":
        provider.add_span_processor(BatchSpanProcessor(_otlp_exporter(otlp_endpoint)))
    previous, _state.provider = _state.provider, provider
    _state.tracer = provider.get_tracer(TRACER_NAME)
    if previous is not None:
        previous.shutdown()
    if install_global and isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        trace.set_tracer_provider(provider)
    return provider


def configure_tracing_from(settings: ObservabilitySettings) -> TracerProvider:
    """``configure_tracing`` with the ``observability`` settings section."""
    return configure_tracing(
        settings.service_name, export=settings.trace_export, otlp_endpoint=settings.otlp_endpoint
    )


@contextlib.asynccontextmanager
async def open_tracing(settings: ObservabilitySettings) -> AsyncIterator[TracerProvider]:
    """Tracing for a process's lifetime: ``configure_tracing_from``, flushed at exit.

    An async context manager so an entry point can list it with the hub's other parts in
    one ``async with`` (``serve``, ``demo``, the worker roles).
    """
    provider = configure_tracing_from(settings)
    try:
        yield provider
    finally:
        if _state.provider is provider:
            shutdown_tracing()
        else:
            provider.shutdown()


def shutdown_tracing() -> None:
    """Flush and stop the exporters; spans recorded afterwards go nowhere."""
    provider, _state.provider, _state.tracer = _state.provider, None, None
    if provider is not None:
        provider.shutdown()


def _otlp_exporter(endpoint: str | None) -> SpanExporter:
    """OTLP over HTTP/protobuf to ``endpoint`` (a full ``.../v1/traces`` URL) or the default.

    Imported here, not at the top: the exporter pulls in protobuf and requests (about
    0.15 s), which a process that does not export should not pay at start.
    """
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
        OTLPSpanExporter,
    )

    return OTLPSpanExporter(endpoint=endpoint) if endpoint else OTLPSpanExporter()


def tracing_enabled() -> bool:
    """Whether ``configure_tracing`` set a provider up (hooks skip building spans otherwise)."""
    return _state.provider is not None


def tracer() -> Tracer:
    """The hub's tracer: the configured provider's, or a no-op one before set-up."""
    current = _state.tracer
    return trace.get_tracer(TRACER_NAME) if current is None else current


@contextlib.contextmanager
def span(
    name: str,
    *,
    parent: Context | None = None,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Mapping[str, AttributeValue] | None = None,
) -> Iterator[Span]:
    """A current span named ``name`` (``webhook.deliver``), child of ``parent`` or the current one.

    An exception leaving the block marks the span as an error with the exception's type
    name only: its message may quote PHI. For the same reason span attributes set here
    must be identifiers, never values.
    """
    with tracer().start_as_current_span(
        name,
        context=parent,
        kind=kind,
        attributes=attributes,
        record_exception=False,
        set_status_on_exception=False,
    ) as current:
        try:
            yield current
        except BaseException as exc:
            mark_failed(current, type(exc).__name__)
            raise


def mark_failed(target: Span, error_type: str) -> None:
    """Mark ``target`` as failed with a code or type name (``error.type``), never a message."""
    target.set_attribute("error.type", error_type)
    target.set_status(Status(StatusCode.ERROR, error_type))


class _HeaderGetter(Getter[Mapping[str, str]]):
    """Reads headers whatever their case (HTTP headers may arrive as ``Traceparent``)."""

    def get(self, carrier: Mapping[str, str], key: str) -> list[str] | None:
        value = carrier.get(key)
        if value is None:
            lowered = key.lower()
            value = next((v for k, v in carrier.items() if k.lower() == lowered), None)
        return None if value is None else [value]

    def keys(self, carrier: Mapping[str, str]) -> list[str]:
        return list(carrier.keys())


_GETTER: Final = _HeaderGetter()


def inject_traceparent(carrier: _Carrier, context: Context | None = None) -> _Carrier:
    """Add ``traceparent`` (and ``tracestate``) for the current span to ``carrier``.

    Works for NATS headers, HTTP headers and a workflow input's dict alike; with no valid
    current span, nothing is added. Returns ``carrier`` for chaining.
    """
    _PROPAGATOR.inject(carrier, context=context)
    return carrier


def trace_carrier(context: Context | None = None) -> dict[str, str]:
    """A new dict holding the current trace context: a field for a workflow's input model."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, context=context)
    return carrier


def extract_context(carrier: Mapping[str, str] | None) -> Context:
    """The trace context ``carrier`` holds, to parent the receiving side's span.

    A missing or malformed ``traceparent`` yields an empty context, so the receiver starts
    a new trace instead of failing.
    """
    if not carrier:
        return Context()
    return _PROPAGATOR.extract(carrier, context=Context(), getter=_GETTER)


def traceparent_of(target: Span) -> str | None:
    """The W3C ``traceparent`` naming ``target`` as the parent, or None for an invalid span."""
    context = target.get_span_context()
    if not context.is_valid:
        return None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


def current_traceparent() -> str | None:
    """The ``traceparent`` of the current span (recording or not), or None outside one."""
    return traceparent_of(trace.get_current_span())


def parent_of(traceparent: str | None) -> Context | None:
    """The context to start a span under for a stored ``traceparent``; None if absent.

    A malformed value yields an empty context: the span starts a new trace.
    """
    if not traceparent:
        return None
    return _PROPAGATOR.extract({TRACEPARENT: traceparent}, context=Context())


def workflow_parent(trace_id: str | None, workflow_id: str) -> Context | None:
    """The parent of a workflow's step spans, from the trace id its input carries.

    A workflow input keeps the trace id only (it is stored and may resume days later in
    another process), so the steps hang under a remote parent whose span id is derived
    from the workflow id: every step of one run, in any process, shares that parent and
    lands in the caller's trace. Returns None when ``trace_id`` is not 32 hex digits.
    """
    if trace_id is None or len(trace_id) != 32:
        return None
    try:
        trace_number = int(trace_id, 16)
    except ValueError:
        return None
    digest = hashlib.sha256(workflow_id.encode("utf-8")).digest()
    span_number = int.from_bytes(digest[:8], "big") or 1
    if trace_number == 0:
        return None
    remote = SpanContext(
        trace_number, span_number, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED)
    )
    return trace.set_span_in_context(NonRecordingSpan(remote), Context())


def current_trace_id() -> str | None:
    """The current trace id as 32 hex digits, or None outside a recording span."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
