"""The Odoo webhook receiver over real HTTP: token, validation, timing, queueing, logs."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from structlog.testing import capture_logs

from healthbridge.core.settings import Settings
from healthbridge.gateway import create_app
from healthbridge.services import ChangeIntake
from healthbridge.testing import MemoryChangeLog, served

SECRET = "s3cret-token-0123456789"
PROBE_BODY = (
    '{"_action": "Notify hub(#479)", "_id": 55, "_model": "res.partner", "country_id": false, '
    '"email": "b@example.com", "id": 55, "name": "Webhook Count Probe B", '
    '"write_date": "2026-11-24 15:41:51.278667"}'
)
KEY = ("res.partner", 55, datetime(2026, 11, 24, 15, 41, 51, tzinfo=UTC))


def settings(secret: str | None = SECRET) -> Settings:
    return Settings(capture={"webhook_secret": secret})


@pytest.fixture
def gate() -> asyncio.Event:
    return asyncio.Event()


@pytest.fixture
def changes(gate: asyncio.Event) -> MemoryChangeLog:
    return MemoryChangeLog(gate=gate)


@pytest.fixture
def intake(changes: MemoryChangeLog) -> ChangeIntake:
    return ChangeIntake(changes, queue_size=100)


@pytest.fixture
async def hub(intake: ChangeIntake) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        served(create_app(intake, settings())) as url,
        httpx.AsyncClient(base_url=url, timeout=5) as client,
    ):
        yield client


def post(client: httpx.AsyncClient, body: str = PROBE_BODY, token: str | None = SECRET):
    params = {"token": token} if token is not None else {}
    return client.post(
        "/hooks/odoo/partners",
        params=params,
        content=body,
        headers={"Content-Type": "application/json"},
    )


async def test_the_health_probe_answers_without_authentication(hub):
    response = await hub.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("token", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
async def test_a_missing_or_wrong_token_gets_401_problem_json_that_says_nothing_of_the_secret(
    hub, changes, gate, token
):
    response = await post(hub, token=token)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 401
    assert problem["code"] == "gateway.unauthorized"
    assert SECRET not in response.text
    assert "secret" not in response.text.lower()
    gate.set()
    assert await changes.count() == 0


async def test_without_a_configured_secret_every_webhook_is_refused(intake):
    async with (
        served(create_app(intake, settings(secret=None))) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        response = await post(client, token="")

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "expected_missing"),
    [
        ('{"_action": "x(#1)", "_id": 5, "_model": "res.partner", "id": 5}', ["write_date"]),
        ('{"hello": "world"}', ["_action", "_id", "_model", "write_date"]),
        ("[1, 2]", ["_action", "_id", "_model", "write_date"]),
    ],
)
async def test_a_body_that_is_not_an_odoo_webhook_gets_422_naming_what_is_missing(
    hub, body, expected_missing
):
    response = await post(hub, body=body)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["missing"] == expected_missing
    assert problem["code"] == "capture.invalid_change"
    assert {"type", "title", "status", "detail"} <= problem.keys()


async def test_a_body_that_is_not_json_gets_422(hub):
    response = await post(hub, body="name=Jane")

    assert response.status_code == 422
    assert "JSON" in response.json()["detail"]


async def test_the_receiver_answers_before_the_change_is_recorded(hub, intake, changes, gate):
    started = time.perf_counter()
    response = await post(hub)
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert elapsed < 0.5
    assert await changes.count() == 0  # the store is still blocked, yet Odoo has its answer

    gate.set()
    await asyncio.wait_for(intake.drain(), 5)
    assert (await changes.latest())[0].key == KEY


async def test_thirteen_identical_webhooks_become_one_change(hub, intake, changes, gate):
    gate.set()
    responses = await asyncio.gather(*(post(hub) for _ in range(13)))

    assert {r.status_code for r in responses} == {200}
    await asyncio.wait_for(intake.drain(), 5)
    [row] = await changes.latest()
    assert row.seen_count == 13


async def test_a_full_queue_drops_the_change_logs_it_and_still_answers_200(gate):
    changes = MemoryChangeLog(gate=gate)
    intake = ChangeIntake(changes, queue_size=1)
    with capture_logs() as logs:
        async with (
            served(create_app(intake, settings())) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            bodies = [
                PROBE_BODY.replace('"_id": 55', f'"_id": {n}').replace('"id": 55', f'"id": {n}')
                for n in (1, 2, 3)
            ]
            # 1 is taken by the consumer (blocked on the gate), 2 fills the queue, 3 is dropped.
            statuses = []
            for body in bodies:
                statuses.append((await post(client, body=body)).status_code)
                await asyncio.sleep(0.05)
            gate.set()
            await asyncio.wait_for(intake.drain(), 5)

    assert statuses == [200, 200, 200]
    dropped = [entry for entry in logs if entry["event"] == "odoo_webhook_dropped"]
    assert [entry["record_id"] for entry in dropped] == [3]
    assert intake.dropped == 1
    assert {row.record_id for row in await changes.latest()} == {1, 2}


async def test_the_receiver_never_logs_the_values_in_a_webhook_body(hub, intake, gate):
    gate.set()
    with capture_logs() as logs:
        await post(hub)
        await post(
            hub, body='{"_action": "x(#1)", "_id": 5, "_model": "res.partner", "name": "Jane"}'
        )
        await post(hub, token="wrong")
        await asyncio.wait_for(intake.drain(), 5)

    text = json.dumps(logs, default=str)
    assert "b@example.com" not in text
    assert "Webhook Count Probe B" not in text
    assert "Jane" not in text
    assert SECRET not in text
    [received] = [entry for entry in logs if entry["event"] == "odoo_webhook_received"]
    assert received["model"] == "res.partner"
    assert received["record_id"] == 55
    assert received["write_date"] == "2026-11-24T15:41:51+00:00"


async def test_stopping_the_app_records_what_was_still_queued(changes, gate):
    intake = ChangeIntake(changes)
    async with (
        served(create_app(intake, settings())) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        assert (await post(client)).status_code == 200
        gate.set()

    assert await changes.count() == 1
    assert not intake.running
