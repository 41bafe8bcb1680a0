"""Settings of the observability area."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from healthbridge.core.sections.base import Section


class ObservabilitySettings(Section):
    """Tracing, metrics, health probes and SLO alerting.

    The defaults run embedded: spans are created (trace ids reach the logs) but exported
    nowhere, metrics are served on ``/metrics`` to callers holding ``metrics.read``, and
    alerts without a page or notify URL become ticket records in the store.
    """

    service_name: str = Field(
        "healthbridge", min_length=1, description="service.name on every span (OpenTelemetry)."
    )
    trace_export: Literal["none", "console", "otlp"] = Field(
        "none",
        description="Where spans go: none (ids still reach logs and peers), console "
        "(stdout), or otlp (to otlp_endpoint, OTLP over HTTP/protobuf).",
    )
    otlp_endpoint: str | None = Field(
        None,
        description="OTLP/HTTP traces URL, e.g. http://collector:4318/v1/traces; unset uses "
        "the exporter's default or OTEL_EXPORTER_OTLP_ENDPOINT.",
    )
    metrics_enabled: bool = Field(True, description="Serve /metrics in the Prometheus format.")
    metrics_public: bool = Field(
        False,
        description="Serve /metrics without a token (only on a bind reachable by the scraper "
        "alone); otherwise a token with metrics_scope is required.",
    )
    metrics_scope: str = Field(
        "metrics.read", min_length=1, description="Scope a scraper's token needs for /metrics."
    )
    oncall_page_url: SecretStr | None = Field(
        None,
        description="Webhook of the on-call tool that pages for tier 1 alerts (env only: "
        "such URLs embed a routing key).",
    )
    notify_url: SecretStr | None = Field(
        None, description="Incoming webhook of the team channel for tier 2 alerts (env only)."
    )
    alert_timeout_seconds: float = Field(
        5.0, gt=0, le=60, description="Deadline of one page or notify POST."
    )
    slo_evaluation_interval_seconds: float = Field(
        60.0, gt=0, le=3600, description="How often burn rates are evaluated and alerts routed."
    )
    sli_flush_interval_seconds: float = Field(
        10.0, gt=0, le=300, description="How often in-memory SLI counts are written to the store."
    )
    sli_retention_days: int = Field(
        35,
        ge=1,
        le=400,
        description="Age at which SLI samples are deleted (SLO window + margin).",
    )
    slo_window_days: int = Field(30, ge=1, le=90, description="The rolling window of every SLO.")
    slo_default_target: float = Field(
        0.999, gt=0, lt=1, description="Target of an integration the catalog gives no SLO for."
    )
    slo_default_tier: Literal[1, 2, 3] = Field(
        2, description="Criticality tier of an integration the catalog gives none for."
    )
    health_check_timeout_seconds: float = Field(
        2.0, gt=0, le=30, description="Deadline of each readiness check."
    )
