"""Idempotency-Key: one execution per key, the first answer replayed, reuse refused."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from healthbridge.core.clock import utc_now
from healthbridge.gateway.idempotency import fingerprint
from tests.integration.gateway.conftest import bearer


@pytest.fixture
def gateway_store_url(store_url: str) -> str:
    """Claims are row inserts: run on SQLite and PostgreSQL."""
    return store_url


def write_headers(token: str, key: str) -> dict[str, str]:
    return {**bearer(token), "Idempotency-Key": key}


async def test_a_retry_gets_the_stored_answer_without_running_the_route_again(http, token, runtime):
    first = await http.post(
        "/api/v1/things", json={"ref": "a"}, headers=write_headers(token, "k-1")
    )
    retry = await http.post(
        "/api/v1/things", json={"ref": "a"}, headers=write_headers(token, "k-1")
    )

    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert retry.headers["content-type"] == first.headers["content-type"]
    assert runtime.idempotency.executions == 1


async def test_the_same_key_with_a_different_body_is_refused(http, token, runtime):
    await http.post("/api/v1/things", json={"ref": "a"}, headers=write_headers(token, "k-2"))

    other = await http.post(
        "/api/v1/things", json={"ref": "b"}, headers=write_headers(token, "k-2")
    )

    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["code"] == "gateway.idempotency_key_reused"
    assert runtime.idempotency.executions == 1


async def test_concurrent_requests_with_one_key_run_the_route_once(http, token, runtime):
    answers = await asyncio.gather(
        *(
            http.post("/api/v1/things", json={"ref": "c"}, headers=write_headers(token, "k-3"))
            for _ in range(8)
        )
    )

    assert [a.status_code for a in answers] == [201] * 8
    assert len({a.content for a in answers}) == 1
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 7
    assert runtime.idempotency.executions == 1


async def test_keys_are_scoped_per_client(http, token, register, runtime):
    client_id, secret = await register()
    other = (
        await http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )
    ).json()["access_token"]

    await http.post("/api/v1/things", json={"ref": "a"}, headers=write_headers(token, "shared"))
    theirs = await http.post(
        "/api/v1/things", json={"ref": "z"}, headers=write_headers(other, "shared")
    )

    assert theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers
    assert runtime.idempotency.executions == 2


async def test_a_write_without_a_key_is_refused_and_does_not_run(http, token, runtime):
    answer = await http.post("/api/v1/things", json={"ref": "a"}, headers=bearer(token))

    assert answer.status_code == 400
    assert answer.json()["code"] == "gateway.idempotency_key_required"
    assert runtime.idempotency.executions == 0


async def test_a_refused_scope_is_not_stored_so_a_retry_with_a_better_token_runs(
    http, mint, register, runtime
):
    client_id, _ = await register()
    weak = mint(client_id, scopes=("inventory.read",))
    strong = mint(client_id)

    denied = await http.post(
        "/api/v1/things", json={"ref": "a"}, headers=write_headers(weak, "k-4")
    )
    allowed = await http.post(
        "/api/v1/things", json={"ref": "a"}, headers=write_headers(strong, "k-4")
    )

    assert (denied.status_code, allowed.status_code) == (403, 201)


async def test_a_key_in_progress_elsewhere_answers_409_after_the_wait(http, token, runtime):
    now = utc_now()
    principal = await runtime.verifier.verify(token)
    digest = fingerprint("POST", "/api/v1/things", b"", b'{"ref":"a"}')
    await runtime.idempotency.records.claim(
        principal.client_id, "k-5", digest, now=now, expires_at=now + timedelta(hours=1)
    )
    runtime.idempotency.wait_seconds = 0.1

    answer = await http.post(
        "/api/v1/things",
        content=b'{"ref":"a"}',
        headers={**write_headers(token, "k-5"), "content-type": "application/json"},
    )

    assert answer.status_code == 409
    assert answer.json()["code"] == "gateway.idempotency_in_progress"
    assert answer.headers["retry-after"] == "1"


@pytest.mark.parametrize("path", ["/fhir/R4/SupplyRequest"])
async def test_fhir_writes_are_guarded_too_and_errors_are_operation_outcomes(http, token, path):
    missing = await http.post(path, json={"status": "active"}, headers=bearer(token))
    first = await http.post(path, json={"status": "active"}, headers=write_headers(token, "f-1"))
    retry = await http.post(path, json={"status": "active"}, headers=write_headers(token, "f-1"))

    assert missing.status_code == 400
    assert missing.headers["content-type"] == "application/fhir+json"
    assert missing.json()["resourceType"] == "OperationOutcome"
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.headers["idempotent-replayed"] == "true"


async def test_a_claim_abandoned_by_a_dead_process_is_taken_over(http, token, runtime):
    principal = await runtime.verifier.verify(token)
    long_ago = utc_now() - timedelta(minutes=5)
    digest = fingerprint("POST", "/api/v1/things", b"", b'{"ref":"a"}')
    await runtime.idempotency.records.claim(
        principal.client_id, "k-6", digest, now=long_ago, expires_at=long_ago + timedelta(days=1)
    )

    answer = await http.post(
        "/api/v1/things",
        content=b'{"ref":"a"}',
        headers={**write_headers(token, "k-6"), "content-type": "application/json"},
    )

    assert answer.status_code == 201
    assert runtime.idempotency.executions == 1


@pytest.mark.parametrize(
    "gateway_options",
    [{"idempotency_claim_timeout_seconds": 600, "idempotency_wait_seconds": 0.2}],
)
async def test_a_claim_younger_than_the_configured_timeout_is_not_taken_over(http, token, runtime):
    principal = await runtime.verifier.verify(token)
    five_minutes_ago = utc_now() - timedelta(minutes=5)
    digest = fingerprint("POST", "/api/v1/things", b"", b'{"ref":"a"}')
    await runtime.idempotency.records.claim(
        principal.client_id,
        "k-7",
        digest,
        now=five_minutes_ago,
        expires_at=five_minutes_ago + timedelta(days=1),
    )

    answer = await http.post(
        "/api/v1/things",
        content=b'{"ref":"a"}',
        headers={**write_headers(token, "k-7"), "content-type": "application/json"},
    )

    assert answer.status_code == 409
    assert answer.json()["code"] == "gateway.idempotency_in_progress"
    assert runtime.idempotency.executions == 0
