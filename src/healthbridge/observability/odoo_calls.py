"""The Odoo call hook: each finished Odoo call becomes a metric sample and a client span.

The connector reports every call to a ``CallHook`` (``connectors/odoo/hooks.py``) after it
ends. Observability sits below the connectors in the layers, so it does not import the
report's class; ``OdooCallFacts`` states the fields it reads, and the connector's
``CallReport`` satisfies it structurally. Pass an ``OdooCallObserver`` wherever a
``CallHook`` is expected.

The span is placed afterwards, from the report's wall-clock start and duration, under
whatever span was current in the calling task (the hook runs in the caller's context).
"""

from __future__ import annotations

from typing import Final, Protocol

import structlog
from opentelemetry.trace import SpanKind, Status, StatusCode

from healthbridge.observability.metrics import METRICS, HubMetrics
from healthbridge.observability.sli import SliRecorder
from healthbridge.observability.tracing import tracer, tracing_enabled

log = structlog.get_logger(__name__)

_NANOS: Final = 1_000_000_000

UNAVAILABLE_CODES: Final = frozenset(
    {
        "odoo.server_error",
        "odoo.transport",
        "odoo.timeout",
        "resilience.circuit_open",
        "healthbridge.unavailable",
    }
)
"""Failures that count against Odoo's availability SLI; the others (access denied,
validation, unknown record) are the caller's mistakes, not Odoo being down."""


class OdooCallFacts(Protocol):
    """What the hook reads from a connector's ``CallReport``: shape and outcome, no data."""

    @property
    def model(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def protocol(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def error_code(self) -> str | None: ...
    @property
    def duration_seconds(self) -> float: ...
    @property
    def started_at_ns(self) -> int: ...
    @property
    def attempts(self) -> int: ...


class OdooCallObserver:
    """A ``CallHook``: records the ``healthbridge_odoo_*`` metrics and an ``odoo`` client span.

    With ``sli``, each call is also an event of the ``integration``'s availability SLI:
    good unless it failed for a reason in ``UNAVAILABLE_CODES``.

    It never raises (a hook must not fail the call it reports); a failure to record is
    logged once per kind at debug level and otherwise ignored.
    """

    __slots__ = ("_integration", "_metrics", "_sli", "_spans")

    def __init__(
        self,
        metrics: HubMetrics | None = None,
        *,
        spans: bool = True,
        sli: SliRecorder | None = None,
        integration: str = "odoo",
    ) -> None:
        self._metrics = metrics if metrics is not None else METRICS
        self._spans = spans
        self._sli = sli
        self._integration = integration

    def __call__(self, report: OdooCallFacts) -> None:
        try:
            self._metrics.record_odoo_call(
                report.model,
                report.method,
                report.outcome,
                report.duration_seconds,
                error_code=report.error_code,
                protocol=report.protocol,
            )
            if self._sli is not None:
                available = report.outcome == "ok" or report.error_code not in UNAVAILABLE_CODES
                self._sli.record(self._integration, "availability", available)
            if self._spans and tracing_enabled():
                _record_span(report)
        except Exception as exc:
            log.debug("odoo_call_not_recorded", error_type=type(exc).__name__)


def _record_span(report: OdooCallFacts) -> None:
    start = report.started_at_ns
    span = tracer().start_span(
        f"odoo {report.model}.{report.method}",
        kind=SpanKind.CLIENT,
        start_time=start,
        attributes={
            "rpc.system": "odoo",
            "rpc.service": report.model,
            "rpc.method": report.method,
            "odoo.protocol": report.protocol,
            "odoo.attempts": report.attempts,
        },
    )
    if report.outcome != "ok":
        span.set_attribute("error.type", report.error_code or "unknown")
        span.set_status(Status(StatusCode.ERROR, report.error_code or "unknown"))
    span.end(end_time=start + int(report.duration_seconds * _NANOS))
