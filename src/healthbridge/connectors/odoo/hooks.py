"""The per-call hook: one report per Odoo call, for tracing and metrics.

The connector knows nothing of OpenTelemetry or Prometheus; observability subscribes by
passing a hook. A report holds the call's shape and outcome, never its arguments, so a
hook cannot leak PHI by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from healthbridge.connectors.odoo.errors import SiteProtocol

CallOutcome = Literal["ok", "error"]


@dataclass(frozen=True, slots=True)
class CallReport:
    """What one Odoo call did, retries included."""

    model: str
    method: str
    protocol: SiteProtocol
    outcome: CallOutcome
    error_code: str | None
    """The error's stable ``code`` (``odoo.timeout``); None on success."""
    duration_seconds: float
    """From the first attempt to the last answer, backoff sleeps included."""
    started_at_ns: int
    """Wall-clock start (``time.time_ns()``), so a tracer can place the span afterwards."""
    attempts: int
    """HTTP attempts made; more than one only for retried reads and idempotent calls."""


CallHook = Callable[[CallReport], None]
"""Called once per call after it ends; it must be quick and must not raise."""
