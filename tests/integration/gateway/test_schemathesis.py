"""schemathesis against a live gateway: no 5xx, every answer matches the OpenAPI document.

The gateway runs in its own process (uvicorn on loopback) so schemathesis's synchronous
client cannot block the server's event loop; examples are bounded to keep the run short.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from healthbridge.store.clients import ClientRegistry
from healthbridge.store.engine import create_store_engine
from healthbridge.store.migrate import upgrade
from tests.integration.gateway.conftest import ALL_SCOPES, bearer

ROOT = Path(__file__).resolve().parents[3]
MAX_EXAMPLES = 8


async def _prepare(url: str) -> tuple[str, str]:
    await upgrade(url)
    engine = create_store_engine(url)
    try:
        client, secret = await ClientRegistry(engine).add(
            "schemathesis", scopes=ALL_SCOPES, environment="dev"
        )
    finally:
        await engine.dispose()
    return client.client_id, secret


@pytest.fixture
def live_gateway(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL, access token) of a gateway process serving the stand-in app."""
    url = f"sqlite+aiosqlite:///{(tmp_path / 'schemathesis.db').as_posix()}"
    client_id, secret = asyncio.run(_prepare(url))
    options = json.dumps({"quota_default": "100000/minute"})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.integration.gateway.gateway_process",
            url,
            str(tmp_path),
            options,
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        base = ""
        while not base:
            line = process.stdout.readline()
            assert line, "the gateway process exited before listening"
            if line.startswith(b"http://"):
                base = line.decode().strip()
        answer = requests.post(
            f"{base}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
            timeout=10,
        )
        answer.raise_for_status()
        yield base, answer.json()["access_token"]
    finally:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.close()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def test_every_operation_answers_within_its_schema_and_never_5xx(live_gateway):
    base, token = live_gateway
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json", timeout=10)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            # A real client sends a fresh key per logical write; schemathesis would reuse
            # one value for different bodies, which the gateway rightly refuses (422).
            headers = {**bearer(token), "Idempotency-Key": uuid.uuid4().hex}
            case.call_and_validate(base_url=base, headers=headers, timeout=10)

        check()
