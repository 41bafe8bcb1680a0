"""Health probes and the metrics endpoint: ``/health/live``, ``/health/ready``, ``/metrics``.

- ``/health/live`` answers 200 whenever the process serves HTTP: a liveness probe that
  restarts the process must not fail because a peer is down (restarting would not help).
- ``/health/ready`` runs every readiness check at once, each under a deadline. A check
  marked ``required`` failing makes it 503 (take this instance out of the load balancer);
  an optional one failing gives 200 with status ``degraded``. Which peers are required
  follows criticality: the store always; NATS where events are on the request path;
  Odoo only when a tier-1 integration calls it synchronously (otherwise reads come from
  the read model and writes queue, so the instance is still useful without it). The
  answer names checks and error codes only, never an exception's text.
- ``/metrics`` serves the hub's registry in the Prometheus text format. It is not
  public by default: metric labels name clients, routes and integrations, which is
  reconnaissance material. A scraper presents a token with ``metrics.read``; set
  ``observability.metrics_public`` only when the endpoint is bound where the scraper
  alone can reach it (a separate port or network policy).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse

from healthbridge.core.errors import HealthbridgeError
from healthbridge.gateway.authorization import require_scopes
from healthbridge.observability.metrics import METRICS, METRICS_CONTENT_TYPE, HubMetrics

Probe = Callable[[], Awaitable[object]]
"""Returns (anything) when the peer is usable; raises when it is not."""

_NO_STORE = {"Cache-Control": "no-store"}


@dataclass(frozen=True, slots=True)
class HealthCheck:
    """One readiness check: a name (``store``, ``nats``, ``odoo``), a probe, its criticality."""

    name: str
    probe: Probe
    required: bool = True


def required_for(tiers: Iterable[int], *, up_to_tier: int = 1) -> bool:
    """Whether a peer is required for readiness: some integration of ``up_to_tier`` needs it."""
    return any(tier <= up_to_tier for tier in tiers)


async def _run(check: HealthCheck, deadline: float, metrics: HubMetrics) -> dict[str, Any]:
    started = time.perf_counter()
    error: str | None = None
    try:
        async with asyncio.timeout(deadline):
            await check.probe()
    except TimeoutError:
        error = "health.timeout"
    except HealthbridgeError as exc:
        error = exc.code
    except Exception as exc:  # any failure means "not ready", never a 500
        error = type(exc).__name__
    metrics.set_health_check(check.name, error is None)
    result: dict[str, Any] = {
        "status": "up" if error is None else "down",
        "required": check.required,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if error is not None:
        result["error"] = error
    return result


def health_router(
    checks: Sequence[HealthCheck],
    *,
    timeout_seconds: float = 2.0,
    metrics: HubMetrics | None = None,
    metrics_enabled: bool = True,
    metrics_public: bool = False,
    metrics_scope: str = "metrics.read",
) -> APIRouter:
    """The probes and ``/metrics``; ``checks`` are run by ``/health/ready`` on each call."""
    names = [check.name for check in checks]
    if len(set(names)) != len(names):
        raise ValueError(f"health check names must be unique: {names}")
    registry = metrics if metrics is not None else METRICS
    router = APIRouter(tags=["health"])

    @router.get("/health/live")
    async def live() -> Response:
        """Liveness: the process answers HTTP. Public, no authentication."""
        return JSONResponse({"status": "ok"}, headers=_NO_STORE)

    @router.get("/health/ready")
    async def ready() -> Response:
        """Readiness: every required peer answers within its deadline. Public."""
        results = await asyncio.gather(
            *(_run(check, timeout_seconds, registry) for check in checks)
        )
        by_name = dict(zip(names, results, strict=True))
        required_down = any(r["status"] == "down" and r["required"] for r in results)
        optional_down = any(r["status"] == "down" for r in results)
        status = "unavailable" if required_down else "degraded" if optional_down else "ready"
        return JSONResponse(
            {"status": status, "checks": by_name},
            status_code=503 if required_down else 200,
            headers=_NO_STORE,
        )

    if metrics_enabled:
        guard = [] if metrics_public else [Depends(require_scopes(metrics_scope))]

        @router.get("/metrics", dependencies=guard, include_in_schema=False)
        async def metrics_text() -> Response:
            """Prometheus metrics of this process (needs ``metrics.read`` unless public)."""
            return Response(registry.render(), media_type=METRICS_CONTENT_TYPE, headers=_NO_STORE)

    return router
