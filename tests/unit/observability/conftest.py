"""Observability fixtures: an in-memory span exporter and a private metrics registry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from healthbridge.observability import HubMetrics, configure_tracing, shutdown_tracing


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Every span the hub's tracer ends during the test, kept in memory."""
    exporter = InMemorySpanExporter()
    configure_tracing("healthbridge-test", exporter=exporter, install_global=False)
    try:
        yield exporter
    finally:
        shutdown_tracing()


@pytest.fixture
def metrics() -> HubMetrics:
    """A hub metrics set on its own registry, so counts start at zero."""
    return HubMetrics()
