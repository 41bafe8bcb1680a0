"""Partner webhooks are handed over once, only when signed by that partner's secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from pydantic import SecretStr
from standardwebhooks.webhooks import Webhook

from healthbridge.core.sections.webhooks import InboundSource, WebhooksSettings
from healthbridge.gateway.inbound_webhooks import inbound_sources, inbound_webhooks_router
from healthbridge.webhooks import generate_secret

BODY = '{"type":"lab.result-available","data":{"order":"LAB-1"}}'


def signed(secret: str, message_id: str, when: datetime | None = None) -> dict[str, str]:
    moment = when or datetime.now(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, moment, BODY),
        "content-type": "application/json",
    }


def client_for(secret: str, handed_over: list) -> httpx.AsyncClient:
    async def handle(webhook) -> None:
        handed_over.append(webhook)

    app = FastAPI()
    app.include_router(inbound_webhooks_router({"lab": [secret]}, handle))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


async def test_a_signed_partner_webhook_is_handed_over_once():
    secret, handed_over = generate_secret(), []
    async with client_for(secret, handed_over) as client:
        first = await client.post("/hooks/partners/lab", content=BODY, headers=signed(secret, "m1"))
        again = await client.post("/hooks/partners/lab", content=BODY, headers=signed(secret, "m1"))

    assert first.status_code == 204
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    [webhook] = handed_over
    assert webhook.source == "lab"
    assert webhook.webhook_id == "m1"
    assert webhook.payload["data"]["order"] == "LAB-1"


async def test_a_forged_stale_or_unknown_source_webhook_is_refused():
    secret, handed_over = generate_secret(), []
    stale = datetime.now(UTC) - timedelta(minutes=10)
    async with client_for(secret, handed_over) as client:
        forged = await client.post(
            "/hooks/partners/lab", content=BODY, headers=signed(generate_secret(), "m2")
        )
        old = await client.post(
            "/hooks/partners/lab", content=BODY, headers=signed(secret, "m3", stale)
        )
        unknown = await client.post(
            "/hooks/partners/payer", content=BODY, headers=signed(secret, "m4")
        )

    assert forged.status_code == 401
    assert forged.json()["code"] == "webhooks.verification_failed"
    assert old.status_code == 401
    assert "tolerance" in old.json()["detail"]
    assert unknown.status_code == 404
    assert handed_over == []


async def test_a_failed_hand_over_is_not_remembered_so_the_partner_can_retry():
    secret, calls = generate_secret(), []

    async def flaky(webhook) -> None:
        calls.append(webhook.webhook_id)
        if len(calls) == 1:
            raise RuntimeError("event backbone down")

    app = FastAPI()
    app.include_router(inbound_webhooks_router({"lab": [secret]}, flaky))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        failed = await client.post(
            "/hooks/partners/lab", content=BODY, headers=signed(secret, "m5")
        )
        retried = await client.post(
            "/hooks/partners/lab", content=BODY, headers=signed(secret, "m5")
        )

    assert failed.status_code == 500
    assert retried.status_code == 204
    assert calls == ["m5", "m5"]


def test_sources_come_from_settings_with_their_secrets():
    secret = generate_secret()
    settings = WebhooksSettings(
        inbound_sources={"lab": InboundSource(secrets=(SecretStr(secret),))}
    )

    assert inbound_sources(settings) == {"lab": [secret]}
    assert secret not in repr(settings)
