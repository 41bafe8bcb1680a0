"""Tokens of an external identity provider are accepted via its JWKS (aiohttp, cached)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.integration.gateway.conftest import bearer

ISSUER = "https://idp.example.test/realms/hospital"


class IdentityProvider:
    """A JWKS endpoint on loopback and the keys behind it."""

    def __init__(self) -> None:
        self.keys = [RSAKey.generate_key(2048, {"kid": "idp-1", "alg": "RS256", "use": "sig"})]
        self.requests = 0
        self.url = ""

    async def jwks(self, _request: web.Request) -> web.Response:
        self.requests += 1
        return web.json_response({"keys": [k.as_dict(private=False) for k in self.keys]})

    def rotate(self) -> None:
        self.keys.append(RSAKey.generate_key(2048, {"kid": "idp-2", "alg": "RS256", "use": "sig"}))

    def token(self, **claims: Any) -> str:
        key = self.keys[-1]
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "sub": "nurse.jones",
            "azp": "ward-portal",
            "aud": "healthbridge-api",
            "exp": now + 300,
            "iat": now,
            "scope": "inventory.read",
            **claims,
        }
        return jwt.encode({"alg": "RS256", "kid": key.kid}, body, key, algorithms=["RS256"])


@pytest.fixture
async def idp() -> AsyncIterator[IdentityProvider]:
    provider = IdentityProvider()
    app = web.Application()
    app.router.add_get("/jwks", provider.jwks)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    provider.url = f"http://127.0.0.1:{port}/jwks"
    try:
        yield provider
    finally:
        await runner.cleanup()


@pytest.fixture
def gateway_options(idp):
    return {
        "external_issuer": ISSUER,
        "external_jwks_url": idp.url,
        "external_environment": "dev",
    }


async def test_a_user_token_from_the_idp_is_accepted_as_a_user_principal(http, idp, runtime):
    answer = await http.get("/api/v1/things/a", headers=bearer(idp.token()))

    assert answer.status_code == 200
    principal = await runtime.verifier.verify(idp.token())
    assert (principal.kind, principal.user, principal.client_id) == (
        "user",
        "nurse.jones",
        "ward-portal",
    )


async def test_the_jwks_is_cached_and_refetched_when_the_idp_rotates(http, idp, runtime):
    runtime.external_jwks._min_refresh = 0
    for _ in range(3):
        assert (await http.get("/api/v1/things/a", headers=bearer(idp.token()))).status_code == 200
    assert idp.requests == 1

    idp.rotate()
    answer = await http.get("/api/v1/things/a", headers=bearer(idp.token()))

    assert answer.status_code == 200
    assert idp.requests == 2


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"aud": "another-api"}, "wrong audience"),
        ({"exp": int(time.time()) - 600}, "expired"),
        ({"env": "prod"}, "wrong environment"),
        ({"scope": "orders.write"}, "wrong scope"),
    ],
)
async def test_bad_idp_tokens_are_refused(http, idp, claims, why):
    answer = await http.get("/api/v1/things/a", headers=bearer(idp.token(**claims)))

    assert answer.status_code == (403 if why == "wrong scope" else 401), why


async def test_a_token_signed_by_a_key_the_idp_does_not_publish_is_refused(http, idp):
    stranger = RSAKey.generate_key(2048, {"kid": "idp-1"})
    now = int(time.time())
    forged = jwt.encode(
        {"alg": "RS256", "kid": "idp-1"},
        {"iss": ISSUER, "sub": "x", "aud": "healthbridge-api", "exp": now + 60, "iat": now},
        stranger,
        algorithms=["RS256"],
    )

    answer = await http.get("/api/v1/things/a", headers=bearer(forged))

    assert answer.status_code == 401
