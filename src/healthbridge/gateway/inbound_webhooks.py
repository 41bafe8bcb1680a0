"""Signed webhooks from partners: ``POST /hooks/partners/{source}``.

A partner signs with the Standard Webhooks scheme and a ``whsec_`` secret registered for
its source (``webhooks.inbound_sources``). A message passes only with a valid signature
and a timestamp inside the tolerance; a ``webhook-id`` already handed over is answered
200 without a second hand-over, so a partner's retry is harmless and a replay is inert.
The verified payload goes to a callback (the integrator turns it into an event); the id
is remembered only after the callback succeeded, so a failed hand-over can be retried.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.sections.webhooks import WebhooksSettings
from healthbridge.gateway.odoo_hooks import problem
from healthbridge.webhooks.errors import WebhookVerificationError
from healthbridge.webhooks.inbound import ReplayGuard, verify_inbound

log = structlog.get_logger(__name__)

MAX_BODY_BYTES = 1_048_576
ROUTE = "/hooks/partners/{source}"


@dataclass(frozen=True, slots=True)
class InboundWebhook:
    """A verified partner webhook: who sent it, its id, the body as sent and parsed."""

    source: str
    webhook_id: str
    body: bytes
    payload: Any
    received_at: datetime


InboundHandler = Callable[[InboundWebhook], Awaitable[None]]


def inbound_sources(settings: WebhooksSettings) -> dict[str, list[str]]:
    """The secrets of every registered partner source, by source name."""
    return {
        name: [secret.get_secret_value() for secret in source.secrets]
        for name, source in settings.inbound_sources.items()
    }


def inbound_webhooks_router(
    sources: Mapping[str, Sequence[str]],
    handle: InboundHandler,
    *,
    tolerance_seconds: float = 300.0,
    replay_guard: ReplayGuard | None = None,
    clock: Clock | None = None,
) -> APIRouter:
    """The partner webhook route, bound to the sources' secrets and the hand-over callback."""
    router = APIRouter()
    guard = replay_guard or ReplayGuard(2 * tolerance_seconds)
    time: Clock = clock or SystemClock()

    @router.post(ROUTE, include_in_schema=False)
    async def receive_partner_webhook(source: str, request: Request) -> Response:
        secrets = sources.get(source)
        if not secrets:
            return problem(404, "Not Found", "no such partner source", "gateway.not_found")
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            return problem(413, "Content Too Large", "webhook body too large", "webhooks.too_large")
        now = time.now()
        try:
            webhook_id = verify_inbound(
                request.headers, raw, secrets, now, tolerance_seconds=tolerance_seconds
            )
        except WebhookVerificationError as exc:
            log.warning("inbound_webhook_rejected", source=source, reason=exc.safe_message)
            return problem(401, "Unauthorized", exc.safe_message, exc.code)
        if guard.seen(source, webhook_id):
            log.info("inbound_webhook_duplicate", source=source, webhook_id=webhook_id)
            return JSONResponse({"status": "duplicate", "webhook_id": webhook_id})
        try:
            payload = json.loads(raw)
        except ValueError:
            return problem(
                422, "Unprocessable Content", "the body is not JSON", "webhooks.invalid_body"
            )
        await handle(InboundWebhook(source, webhook_id, raw, payload, now))
        guard.remember(source, webhook_id)
        log.info("inbound_webhook_accepted", source=source, webhook_id=webhook_id)
        return Response(status_code=204)

    return router
