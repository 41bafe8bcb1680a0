"""The HTTP application: for now, Odoo's webhook receiver and a health probe.

It receives already-built services (the composition root builds them) and only owns
their HTTP surface and the lifetime of the background task that records webhooks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from healthbridge.core.settings import Settings
from healthbridge.gateway.odoo_hooks import odoo_hooks_router
from healthbridge.services.change_capture import ChangeIntake


def create_app(capture: ChangeIntake, settings: Settings) -> FastAPI:
    """A FastAPI app whose lifespan starts and stops ``capture``'s queue consumer."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await capture.start()
        try:
            yield
        finally:
            await capture.stop()

    app = FastAPI(title="Healthbridge", version="0.1.0", lifespan=lifespan)
    app.include_router(odoo_hooks_router(capture, settings.capture.webhook_secret))

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers HTTP. Public, no authentication."""
        return {"status": "ok"}

    return app
