"""Key rotation with overlap, keys shared through the store, sealed at rest."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from healthbridge.core.errors import ConfigError
from healthbridge.gateway.runtime import open_gateway
from healthbridge.security.errors import InvalidToken
from healthbridge.store.engine import create_store_engine
from tests.integration.gateway.conftest import bearer, gateway_settings


async def test_a_token_of_the_previous_key_verifies_during_the_overlap_not_after(
    runtime, register, http
):
    client_id, _ = await register()
    client = await runtime.clients.get(client_id)
    old_token = runtime.issuer.issue(client, client.scopes).access_token
    old_kid = runtime.ring.current().kid

    await runtime.keeper.rotate()
    new_token = runtime.issuer.issue(client, client.scopes).access_token

    assert runtime.ring.current().kid != old_kid
    assert {k["kid"] for k in (await http.get("/.well-known/jwks.json")).json()["keys"]} == {
        old_kid,
        runtime.ring.current().kid,
    }
    for token in (old_token, new_token):
        assert (await http.get("/api/v1/things/a", headers=bearer(token))).status_code == 200

    await runtime.keeper._store.retire(old_kid, datetime.now(UTC) - timedelta(seconds=1))
    await runtime.keeper.refresh()

    refused = await http.get("/api/v1/things/a", headers=bearer(old_token))
    assert refused.status_code == 401
    assert (await http.get("/api/v1/things/a", headers=bearer(new_token))).status_code == 200
    assert old_kid not in {
        k["kid"] for k in (await http.get("/.well-known/jwks.json")).json()["keys"]
    }


async def test_a_second_process_learns_a_rotated_key_when_a_token_names_it(
    runtime, register, gateway_store_url, tmp_path
):
    client_id, _ = await register()
    client = await runtime.clients.get(client_id)
    settings = gateway_settings(gateway_store_url, tmp_path)
    engine = create_store_engine(gateway_store_url)
    try:
        async with open_gateway(settings, engine) as other:
            await runtime.keeper.rotate()
            other.keeper._refreshed_at = float("-inf")  # its start-up read was just now
            token = runtime.issuer.issue(client, client.scopes).access_token

            principal = await other.verifier.verify(token)
    finally:
        await engine.dispose()

    assert principal.client_id == client_id


async def test_an_old_key_is_rotated_at_start(runtime, gateway_store_url, tmp_path):
    first = runtime.ring.current()
    later = datetime.now(UTC) + timedelta(days=31)

    rotated = await runtime.keeper.ensure_current(later)

    assert rotated.kid != first.kid
    retired = next(k for k in runtime.ring.keys if k.kid == first.kid)
    assert retired.retires_at is not None


async def test_sealed_keys_are_unreadable_in_the_store_and_need_the_secret(
    gateway_store_url, tmp_path
):
    sealed = gateway_settings(gateway_store_url, tmp_path, key_encryption_secret="s3cret-for-test")
    engine = create_store_engine(gateway_store_url)
    try:
        async with open_gateway(sealed, engine) as runtime:
            kid = runtime.ring.current().kid
        async with engine.connect() as connection:
            stored = (
                await connection.execute(text("SELECT private_jwk FROM signing_keys"))
            ).scalar_one()
        assert stored.startswith("aesgcm:")
        assert '"d"' not in stored

        async with open_gateway(sealed, engine) as again:
            assert again.ring.current().kid == kid
        with pytest.raises(ConfigError, match="key_encryption_secret"):
            async with open_gateway(gateway_settings(gateway_store_url, tmp_path), engine):
                pass
    finally:
        await engine.dispose()


async def test_an_expired_token_is_refused_by_the_verifier(runtime, mint):
    token = mint(exp=int(time.time()) - 120, iat=int(time.time()) - 600)

    with pytest.raises(InvalidToken):
        await runtime.verifier.verify(token)


async def test_a_token_within_the_leeway_is_accepted(runtime, mint, register):
    client_id, _ = await register()
    token = mint(client_id, exp=int(time.time()) - 5)

    assert (await runtime.verifier.verify(token)).client_id == client_id


async def test_gateways_starting_together_agree_on_one_key(gateway_store_url, tmp_path):
    """Each starts with an empty ring and would rotate; only one key may come of it."""
    settings = gateway_settings(gateway_store_url, tmp_path)
    engines = [create_store_engine(gateway_store_url) for _ in range(3)]
    try:
        async with contextlib.AsyncExitStack() as stack:
            runtimes = await asyncio.gather(
                *(stack.enter_async_context(open_gateway(settings, e)) for e in engines)
            )
            currents = {runtime.ring.current().kid for runtime in runtimes}
            async with engines[0].connect() as connection:
                stored = (
                    (await connection.execute(text("SELECT kid FROM signing_keys"))).scalars().all()
                )
    finally:
        for engine in engines:
            await engine.dispose()

    assert len(currents) == 1
    assert stored == list(currents)
