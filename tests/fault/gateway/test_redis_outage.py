"""With Redis unreachable, reads go on (quotas fail open) and writes pause with 503
(the idempotency lock fails closed: two processes must never both write)."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
from limits.aio.storage import RedisStorage
from redis.asyncio import Redis

from healthbridge.gateway.app import create_app
from healthbridge.gateway.runtime import build_runtime
from healthbridge.services.change_capture import ChangeIntake
from healthbridge.store.engine import create_store_engine
from healthbridge.store.migrate import upgrade
from healthbridge.testing import MemoryChangeLog
from tests.integration.gateway.conftest import gateway_settings
from tests.integration.gateway.stand_ins import stand_in_routers


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_reads_pass_and_writes_answer_503_while_redis_is_down(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{(tmp_path / 'outage.db').as_posix()}"
    await upgrade(url)
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    settings = gateway_settings(url, tmp_path)
    engine = create_store_engine(url)
    redis = Redis.from_url(dead, socket_connect_timeout=0.5)
    storage = RedisStorage("async+" + dead, implementation="redispy", socket_connect_timeout=0.5)
    try:
        runtime = build_runtime(settings, engine, quota_storage=storage, redis=redis)
        await runtime.keeper.ensure_current()
        client, _ = await runtime.clients.add(
            "outage", scopes=("inventory.read", "orders.write"), environment="dev"
        )
        await runtime.enabled_clients.refresh()
        token = runtime.issuer.issue(client, client.scopes).access_token
        app = create_app(
            ChangeIntake(MemoryChangeLog(), queue_size=1),
            settings,
            runtime,
            routers=stand_in_routers(),
        )
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
        ) as http:
            read = await http.get("/api/v1/things/a", headers=headers)
            write = await http.post(
                "/api/v1/things", json={"ref": "a"}, headers={**headers, "Idempotency-Key": "o-1"}
            )
    finally:
        await redis.aclose()
        await engine.dispose()

    assert read.status_code == 200
    assert "ratelimit" not in read.headers
    assert write.status_code == 503
    assert write.headers["retry-after"] == "5"
    assert write.json()["code"] == "gateway.idempotency_unavailable"
    assert runtime.idempotency.executions == 0
