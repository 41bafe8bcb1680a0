"""Liveness, readiness by criticality, and /metrics behind its scope."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
from fastapi import FastAPI, Request, Response
from prometheus_client.parser import text_string_to_metric_families

from healthbridge.core.errors import UnavailableError
from healthbridge.gateway.errors import install_error_handlers
from healthbridge.gateway.health import HealthCheck, health_router, required_for
from healthbridge.observability import HubMetrics
from healthbridge.security.principal import Principal


async def _ok() -> None:
    return None


async def _down() -> None:
    raise UnavailableError("Odoo does not answer")


async def _hangs() -> None:
    await asyncio.Event().wait()


def _app(
    checks: list[HealthCheck],
    metrics: HubMetrics,
    *,
    metrics_public: bool = False,
    metrics_enabled: bool = True,
) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.middleware("http")
    async def token_scopes(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # Stands in for the authentication middleware: scopes from a test header.
        scopes = request.headers.get("x-test-scopes")
        if scopes is not None:
            request.state.principal = Principal(
                "prometheus", "client", frozenset(scopes.split()), "test"
            )
        return await call_next(request)

    app.include_router(
        health_router(
            checks,
            timeout_seconds=0.2,
            metrics=metrics,
            metrics_public=metrics_public,
            metrics_enabled=metrics_enabled,
        )
    )
    return app


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


async def test_liveness_answers_even_when_every_peer_is_down(metrics: HubMetrics) -> None:
    async with _client(_app([HealthCheck("store", _down)], metrics)) as client:
        response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readiness_fails_when_a_required_peer_is_down(metrics: HubMetrics) -> None:
    checks = [HealthCheck("store", _ok), HealthCheck("nats", _down)]
    async with _client(_app(checks, metrics)) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["store"]["status"] == "up"
    assert body["checks"]["nats"] == {
        "status": "down",
        "required": True,
        "duration_ms": body["checks"]["nats"]["duration_ms"],
        "error": "healthbridge.unavailable",
    }
    assert "Odoo does not answer" not in response.text
    assert response.headers["cache-control"] == "no-store"


async def test_an_optional_peer_down_leaves_the_instance_ready_but_degraded(
    metrics: HubMetrics,
) -> None:
    checks = [HealthCheck("store", _ok), HealthCheck("odoo", _down, required=False)]
    async with _client(_app(checks, metrics)) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"


async def test_a_check_that_hangs_fails_by_its_deadline(metrics: HubMetrics) -> None:
    async with _client(_app([HealthCheck("odoo", _hangs)], metrics)) as client:
        response = await asyncio.wait_for(client.get("/health/ready"), 5)
    assert response.status_code == 503
    assert response.json()["checks"]["odoo"]["error"] == "health.timeout"


async def test_metrics_need_the_metrics_read_scope(metrics: HubMetrics) -> None:
    async with _client(_app([HealthCheck("store", _ok)], metrics)) as client:
        await client.get("/health/ready")
        anonymous = await client.get("/metrics")
        wrong_scope = await client.get("/metrics", headers={"x-test-scopes": "inventory.read"})
        scraper = await client.get("/metrics", headers={"x-test-scopes": "metrics.read"})
    assert anonymous.status_code == 401
    assert wrong_scope.status_code == 403
    assert scraper.status_code == 200
    assert scraper.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = {f.name: f for f in text_string_to_metric_families(scraper.text)}
    [sample] = families["healthbridge_health_check_up"].samples
    assert (sample.labels, sample.value) == ({"check": "store"}, 1.0)


async def test_public_metrics_need_no_token_and_disabled_metrics_are_absent(
    metrics: HubMetrics,
) -> None:
    async with _client(_app([], metrics, metrics_public=True)) as client:
        assert (await client.get("/metrics")).status_code == 200
    async with _client(_app([], metrics, metrics_enabled=False)) as client:
        assert (await client.get("/metrics")).status_code == 404


def test_a_peer_is_required_when_a_tier_1_integration_depends_on_it() -> None:
    assert required_for([3, 1])
    assert not required_for([2, 3])
    assert not required_for([])
