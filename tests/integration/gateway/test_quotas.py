"""Per-client quotas: 429 with Retry-After and RateLimit headers, shared through Redis."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from redis.asyncio import Redis

from tests.integration.gateway.conftest import bearer
from tests.integration.gateway.processes import gateway_processes

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def gateway_options():
    return {"quota_default": "5/minute", "quota_overrides": {"generous": "50/minute"}}


async def test_a_client_past_its_quota_gets_429_with_retry_after_and_ratelimit(http, token):
    answers = [await http.get("/api/v1/things/a", headers=bearer(token)) for _ in range(7)]

    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    first, refused = answers[0], answers[-1]
    assert first.headers["ratelimit-policy"] == '"default";q=5;w=60'
    assert first.headers["ratelimit"].startswith('"default";r=4;t=')
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "gateway.quota_exceeded"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit"].startswith('"default";r=0;')


async def test_quotas_are_per_client_and_an_override_applies(http, mint, register):
    client_id, _ = await register()
    busy, other = mint(client_id), mint("generous")
    await register_named(http)

    for _ in range(5):
        await http.get("/api/v1/things/a", headers=bearer(busy))

    assert (await http.get("/api/v1/things/a", headers=bearer(busy))).status_code == 429
    answer = await http.get("/api/v1/things/a", headers=bearer(other))
    assert answer.status_code == 200
    assert answer.headers["ratelimit-policy"] == '"client";q=50;w=60'


async def register_named(http) -> None:
    """Register the client id ``generous`` (the override's key) in the test's store."""
    runtime = http._transport.app.state.gateway  # the app under test
    await runtime.clients.add(
        "generous", scopes=("inventory.read",), environment="dev", client_id="generous"
    )
    await runtime.enabled_clients.refresh()


async def test_public_routes_do_not_count_against_any_quota(http):
    answers = [await http.get("/healthz") for _ in range(8)]

    assert {a.status_code for a in answers} == {200}
    assert "ratelimit" not in answers[0].headers


@pytest.fixture
async def redis_available() -> None:
    client = Redis.from_url(REDIS_URL)
    try:
        await asyncio.wait_for(client.ping(), 2)
    except (OSError, TimeoutError) as error:
        pytest.skip(f"the shared-quota tests need Redis at {REDIS_URL} ({type(error).__name__})")
    finally:
        await client.aclose()


async def test_two_gateway_processes_share_one_budget_through_redis(
    redis_available, shared_store, tmp_path
):
    url, client_id, secret = shared_store
    # Sealed keys too: both processes must open the key ring the first one stored.
    options = {
        "redis_url": REDIS_URL,
        "quota_default": "6/minute",
        "key_encryption_secret": "two-process-test-secret",
    }
    async with (
        gateway_processes(2, url, tmp_path, options) as (first, second),
        httpx.AsyncClient(timeout=10) as http,
    ):
        token = (
            await http.post(
                f"{first}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(client_id, secret),
            )
        ).json()["access_token"]
        statuses = [
            (await http.get(f"{base}/api/v1/things/a", headers=bearer(token))).status_code
            for base in [first, second] * 5
        ]

    assert statuses.count(200) == 6
    assert statuses.count(429) == 4
    assert statuses[:6] == [200] * 6


async def test_concurrent_retries_across_two_processes_run_the_write_once(
    redis_available, shared_store, tmp_path
):
    url, client_id, secret = shared_store
    options = {"redis_url": REDIS_URL, "quota_default": "1000/minute"}
    async with (
        gateway_processes(2, url, tmp_path, options) as (first, second),
        httpx.AsyncClient(timeout=20) as http,
    ):
        token = (
            await http.post(
                f"{first}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(client_id, secret),
            )
        ).json()["access_token"]
        headers = {**bearer(token), "Idempotency-Key": f"two-{client_id}"}
        answers = await asyncio.gather(
            *(
                http.post(f"{base}/api/v1/things", json={"ref": "x"}, headers=headers)
                for base in [first, second] * 4
            )
        )

    assert [a.status_code for a in answers] == [201] * 8
    assert sum("idempotent-replayed" not in a.headers for a in answers) == 1
    assert len({a.content for a in answers}) == 1
