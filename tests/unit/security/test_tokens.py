"""Issuing and verifying access tokens against the key ring, without a database."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from healthbridge.security.errors import InvalidToken
from healthbridge.security.identities import RegisteredClient
from healthbridge.security.keys import KeyRing, generate_key
from healthbridge.security.tokens import TokenIssuer, TokenPolicy, TokenVerifier

NOW = datetime.now(UTC)
POLICY = TokenPolicy(issuer="urn:test", audience="api", environment="dev", ttl_seconds=60)


def client(environment: str = "dev") -> RegisteredClient:
    return RegisteredClient(
        client_id="c1",
        name="test",
        scopes=frozenset({"inventory.read", "orders.write"}),
        environment=environment,
        purpose="TREAT",
        enabled=True,
        secret_hash="x",
        previous_secret_hash=None,
        previous_secret_expires_at=None,
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing([generate_key(NOW)])


async def test_an_issued_token_verifies_to_its_principal(ring):
    token = TokenIssuer(ring, POLICY).issue(client(), frozenset({"inventory.read"}))

    principal = await TokenVerifier(ring, POLICY).verify(token.access_token)

    assert principal.client_id == "c1"
    assert principal.kind == "client"
    assert principal.scopes == frozenset({"inventory.read"})
    assert (principal.environment, principal.purpose) == ("dev", "TREAT")


async def test_a_token_is_refused_after_expiry_plus_leeway(ring):
    issued_at = time.time() - 200
    token = TokenIssuer(ring, POLICY).issue(client(), frozenset(), now=issued_at)

    with pytest.raises(InvalidToken):
        await TokenVerifier(ring, POLICY).verify(token.access_token)


async def test_a_token_of_another_environment_is_refused(ring):
    token = TokenIssuer(ring, POLICY).issue(client("prod"), frozenset())

    with pytest.raises(InvalidToken, match="prod environment"):
        await TokenVerifier(ring, POLICY).verify(token.access_token)


async def test_a_retired_key_stops_verifying_and_a_verified_token_is_not_kept_in_cache(ring):
    old = ring.current()
    token = TokenIssuer(ring, POLICY).issue(client(), frozenset()).access_token
    verifier = TokenVerifier(ring, POLICY)
    await verifier.verify(token)

    ring.replace(
        [
            type(old)(old.kid, old.private, old.created_at, NOW - timedelta(seconds=1)),
            generate_key(NOW),
        ]
    )

    with pytest.raises(InvalidToken):
        await verifier.verify(token)


async def test_a_token_of_an_unknown_key_triggers_one_ring_refresh(ring):
    other = KeyRing([generate_key(NOW)])
    token = TokenIssuer(other, POLICY).issue(client(), frozenset()).access_token
    refreshes = []

    async def refresh() -> None:
        refreshes.append(1)
        ring.replace([*ring.keys, *other.keys])

    principal = await TokenVerifier(ring, POLICY, refresh_ring=refresh).verify(token)

    assert principal.client_id == "c1"
    assert refreshes == [1]


@pytest.mark.parametrize("garbage", ["", "a.b", "a.b.c", "eyJ.eyJ.sig"])
async def test_garbage_is_an_invalid_token(ring, garbage):
    with pytest.raises(InvalidToken):
        await TokenVerifier(ring, POLICY).verify(garbage)


async def test_a_cached_token_is_refused_once_it_has_expired(ring):
    issued_at = time.time()
    token = TokenIssuer(ring, POLICY).issue(client(), frozenset(), now=issued_at).access_token
    verifier = TokenVerifier(ring, POLICY)
    await verifier.verify(token, now=issued_at + 1)  # verified, and now cached

    again = await verifier.verify(token, now=issued_at + 2)
    assert again.client_id == "c1"
    expired = issued_at + POLICY.ttl_seconds + POLICY.leeway_seconds + 1
    with pytest.raises(InvalidToken, match="not acceptable"):
        await verifier.verify(token, now=expired)
