"""The observability settings section builds the tracer and the alert router."""

from __future__ import annotations

from datetime import datetime

import aiohttp
import pytest
from pydantic import SecretStr, ValidationError

from healthbridge.core.sections.observability import ObservabilitySettings
from healthbridge.observability import (
    alert_router_from,
    configure_tracing_from,
    open_tracing,
    shutdown_tracing,
    tracing_enabled,
)


class _Tickets:
    async def open(self, key: str, integration: str, slo: str, summary: str, at: datetime) -> int:
        return 1

    async def close(self, key: str, at: datetime) -> int:
        return 1


def test_the_defaults_run_embedded_with_no_exporter_and_protected_metrics() -> None:
    settings = ObservabilitySettings()
    assert settings.trace_export == "none"
    assert settings.metrics_enabled
    assert not settings.metrics_public
    assert settings.metrics_scope == "metrics.read"
    assert settings.oncall_page_url is None


def test_otlp_export_from_settings_is_enabled_without_reaching_the_collector() -> None:
    configure_tracing_from(
        ObservabilitySettings(trace_export="otlp", otlp_endpoint="http://127.0.0.1:9/v1/traces")
    )
    try:
        assert tracing_enabled()  # spans are batched: nothing is sent until one ends
    finally:
        shutdown_tracing()


def test_tracing_configured_from_settings_is_enabled_until_shut_down() -> None:
    configure_tracing_from(ObservabilitySettings(trace_export="none"))
    try:
        assert tracing_enabled()
    finally:
        shutdown_tracing()
    assert not tracing_enabled()


async def test_open_tracing_traces_for_the_block_and_flushes_at_exit() -> None:
    async with open_tracing(ObservabilitySettings(trace_export="none")):
        assert tracing_enabled()
    assert not tracing_enabled()


def test_an_unknown_export_is_refused() -> None:
    with pytest.raises(ValidationError):
        ObservabilitySettings.model_validate({"trace_export": "jaeger"})


async def test_the_router_pages_only_when_a_page_url_is_set() -> None:
    async with aiohttp.ClientSession() as session:
        bare = alert_router_from(ObservabilitySettings(), session, _Tickets())
        paged = alert_router_from(
            ObservabilitySettings(
                oncall_page_url=SecretStr("http://127.0.0.1:1/page"),
                notify_url=SecretStr("http://127.0.0.1:1/notify"),
            ),
            session,
            _Tickets(),
        )
    assert [bare.channel_for(t) for t in (1, 2, 3)] == ["ticket", "ticket", "ticket"]
    assert [paged.channel_for(t) for t in (1, 2, 3)] == ["page", "notify", "ticket"]
