"""POST /oauth/token: client credentials in, RFC 9068 access tokens out, RFC 6749 errors."""

from __future__ import annotations

import base64
from datetime import timedelta

from joserfc import jwt
from joserfc.jwk import KeySet

from tests.integration.gateway.conftest import bearer


async def test_client_secret_basic_gets_an_rfc9068_token_that_verifies_with_the_jwks(
    http, register, runtime
):
    client_id, secret = await register(scopes=("inventory.read", "orders.write"))

    answer = await http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    document = answer.json()
    assert document["token_type"] == "Bearer"
    assert document["scope"] == "inventory.read orders.write"
    jwks = (await http.get("/.well-known/jwks.json")).json()
    assert all("d" not in key for key in jwks["keys"])
    token = jwt.decode(document["access_token"], KeySet.import_key_set(jwks), algorithms=["ES256"])
    assert token.header["typ"] == "at+jwt"
    assert token.header["kid"] == runtime.ring.current().kid
    claims = token.claims
    assert claims["sub"] == claims["client_id"] == client_id
    assert claims["aud"] == "healthbridge-api"
    assert claims["iss"] == "urn:healthbridge:gateway"
    assert claims["env"] == "dev"
    assert claims["purpose"] == "HOPERAT"
    assert claims["hb_kind"] == "client"
    assert claims["exp"] - claims["iat"] == 300
    assert {"jti", "iat", "exp"} <= set(claims)


async def test_client_secret_post_works_and_scope_narrows_the_token(http, register):
    client_id, secret = await register(scopes=("inventory.read", "orders.write"))

    answer = await http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "inventory.read",
        },
    )

    assert answer.status_code == 200
    assert answer.json()["scope"] == "inventory.read"
    token = answer.json()["access_token"]
    write = await http.post(
        "/api/v1/things", json={"ref": "a"}, headers={**bearer(token), "Idempotency-Key": "k1"}
    )
    assert write.status_code == 403


async def test_a_scope_beyond_the_clients_scopes_is_invalid_scope(http, register):
    client_id, secret = await register(scopes=("inventory.read",))

    answer = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "inventory.read orders.write"},
        auth=(client_id, secret),
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_scope"


async def test_a_wrong_secret_is_invalid_client_with_a_challenge(http, register):
    client_id, _ = await register()

    answer = await http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, "hbs_wrong")
    )

    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
    assert answer.headers["www-authenticate"].startswith("Basic")


async def test_an_unknown_client_is_refused_like_a_wrong_secret(http):
    answer = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
    )

    assert answer.status_code == 401
    assert answer.json() == {
        "error": "invalid_client",
        "error_description": "client authentication failed",
    }


async def test_other_grant_types_are_unsupported(http, register):
    client_id, secret = await register()

    answer = await http.post(
        "/oauth/token", data={"grant_type": "password"}, auth=(client_id, secret)
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


async def test_basic_and_form_credentials_together_are_an_invalid_request(http, register):
    client_id, secret = await register()
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()

    answer = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_secret": secret},
        headers={"Authorization": f"Basic {basic}"},
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


async def test_json_instead_of_a_form_is_an_invalid_request(http, register):
    answer = await http.post("/oauth/token", json={"grant_type": "client_credentials"})

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


async def test_a_client_of_another_environment_gets_no_token(http, register):
    client_id, secret = await register(environment="prod")

    answer = await http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "unauthorized_client"


async def test_a_disabled_client_gets_no_token_and_its_tokens_stop_working(http, register, runtime):
    client_id, secret = await register()
    token = (
        await http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )
    ).json()["access_token"]
    assert (await http.get("/api/v1/things/a", headers=bearer(token))).status_code == 200

    await runtime.clients.set_enabled(client_id, False)
    await runtime.enabled_clients.refresh()

    refused = await http.get("/api/v1/things/a", headers=bearer(token))
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["www-authenticate"]
    again = await http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    assert again.status_code == 401


async def test_a_rotated_secret_keeps_the_old_one_only_during_the_overlap(http, register, runtime):
    client_id, old = await register()
    new = await runtime.clients.rotate_secret(client_id, overlap=timedelta(hours=1))

    for secret in (old, new):
        answer = await http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )
        assert answer.status_code == 200

    newest = await runtime.clients.rotate_secret(client_id)
    for secret, status in ((new, 401), (newest, 200)):
        answer = await http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )
        assert answer.status_code == status
