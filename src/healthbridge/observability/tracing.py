"""OpenTelemetry tracing: the provider, one tracer, spans, and W3C trace context hand-over.

One trace follows a business exchange across every hop the hub makes: an API request, the
event it publishes (``traceparent`` in NATS headers), the webhook that event triggers
(``traceparent`` in the HTTP headers) and the workflow it starts (``traceparent`` in the
workflow's input model, since a workflow may resume in another process days later). The
hand-over is always the same two calls: ``inject_traceparent(carrier)`` on the sending
side, ``extract_context(carrier)`` on the receiving side, and the receiving span is
started with that context as its parent.

Export: ``none`` (spans are still created so trace ids reach the logs), ``console``
(JSON to stdout, for a demo) or ``otlp`` (to a collector, over HTTP/protobuf, which
needs the optional ``opentelemetry-exporter-otlp-proto-http`` package). Tests pass their
own exporter, typically ``InMemorySpanExporter``.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator, Mapping, MutableMapping
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
from opentelemetry.trace import Span, SpanKind, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import AttributeValue

from healthbridge.core.errors import ConfigError
from healthbridge.core.sections.observability import ObservabilitySettings

TRACER_NAME: Final = "healthbridge"
TRACEPARENT: Final = "traceparent"
TRACESTATE: Final = "tracestate"
OTLP_PACKAGE: Final = "opentelemetry-exporter-otlp-proto-http"

TraceExport = Literal["none", "console", "otlp"]

_PROPAGATOR: Final = TraceContextTextMapPropagator()
_Carrier = TypeVar("_Carrier", bound=MutableMapping[str, str])


@dataclass(slots=True)
class _State:
    provider: TracerProvider | None = None


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


def shutdown_tracing() -> None:
    """Flush and stop the exporters; spans recorded afterwards go nowhere."""
    provider, _state.provider = _state.provider, None
    if provider is not None:
        provider.shutdown()


def _otlp_exporter(endpoint: str | None) -> SpanExporter:
    try:
        module = importlib.import_module("opentelemetry.exporter.otlp.proto.http.trace_exporter")
    except ImportError as exc:
        raise ConfigError(
            f"observability.trace_export is otlp but the {OTLP_PACKAGE} package is not "
            f"installed: install it (pip install {OTLP_PACKAGE}) or set "
            "HEALTHBRIDGE_OBSERVABILITY__TRACE_EXPORT=none",
            details={"key": "observability.trace_export", "package": OTLP_PACKAGE},
        ) from exc
    exporter: SpanExporter = (
        module.OTLPSpanExporter(endpoint=endpoint) if endpoint else module.OTLPSpanExporter()
    )
    return exporter


def tracing_enabled() -> bool:
    """Whether ``configure_tracing`` set a provider up (hooks skip building spans otherwise)."""
    return _state.provider is not None


def tracer() -> Tracer:
    """The hub's tracer: the configured provider's, or a no-op one before set-up."""
    provider = _state.provider
    if provider is None:
        return trace.get_tracer(TRACER_NAME)
    return provider.get_tracer(TRACER_NAME)


@contextlib.contextmanager
def span(
    name: str,
    *,
    parent: Context | None = None,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Mapping[str, AttributeValue] | None = None,
) -> Iterator[Span]:
    """A current span named ``name`` (``webhook.deliver``), child of ``parent`` or the current one.

    An exception leaving the block is recorded on the span and marks it as an error; its
    message may quote PHI, so span attributes set here must be identifiers, never values.
    """
    with tracer().start_as_current_span(
        name, context=parent, kind=kind, attributes=attributes
    ) as current:
        yield current


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

    Works for NATS headers, HTTP headers and a workflow input's dict alike; with no span
    recording, nothing is added. Returns ``carrier`` for chaining.
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


def current_trace_id() -> str | None:
    """The current trace id as 32 hex digits, or None outside a recording span."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
