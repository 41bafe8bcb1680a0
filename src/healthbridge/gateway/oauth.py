"""``POST /oauth/token`` (client credentials, RFC 6749 4.4) and ``/.well-known/jwks.json``.

The client authenticates with HTTP Basic (client_secret_basic) or form fields
(client_secret_post), never both. ``scope`` narrows the token to a subset of the
client's registered scopes. Errors are RFC 6749 section 5.2 JSON documents; a failed
client authentication is 401 with a ``WWW-Authenticate`` challenge and does not say
whether the id or the secret was wrong.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote_plus

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

if TYPE_CHECKING:
    from healthbridge.gateway.runtime import GatewayRuntime

log = structlog.get_logger(__name__)

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
}
_TOKEN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in", "scope"],
    "properties": {
        "access_token": {"type": "string"},
        "token_type": {"type": "string", "enum": ["Bearer"]},
        "expires_in": {"type": "integer"},
        "scope": {"type": "string"},
    },
}
_TOKEN_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "scope": {"type": "string"},
                        "client_id": {"type": "string"},
                        "client_secret": {"type": "string"},
                    },
                }
            }
        },
    },
    "responses": {
        "200": {
            "description": "An access token",
            "content": {"application/json": {"schema": _TOKEN_SCHEMA}},
        },
        "400": {
            "description": "RFC 6749 error",
            "content": {"application/json": {"schema": _ERROR_SCHEMA}},
        },
        "401": {
            "description": "Client authentication failed",
            "content": {"application/json": {"schema": _ERROR_SCHEMA}},
        },
    },
}
_JWKS_OPENAPI: dict[str, Any] = {
    "responses": {
        "200": {
            "description": "The public keys that verify this gateway's access tokens",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["keys"],
                        "properties": {"keys": {"type": "array", "items": {"type": "object"}}},
                    }
                }
            },
        }
    }
}


def oauth_router() -> APIRouter:
    """The token endpoint and the JWKS document; they read the runtime from ``app.state``."""
    router = APIRouter(tags=["identity"])

    @router.post(
        "/oauth/token",
        response_class=JSONResponse,
        openapi_extra=_TOKEN_OPENAPI,
        summary="Get an access token (OAuth 2.0 client credentials)",
    )
    async def token(request: Request) -> JSONResponse:
        runtime: GatewayRuntime = request.app.state.gateway
        if request.headers.get("content-type", "").split(";")[0].strip() != (
            "application/x-www-form-urlencoded"
        ):
            return _error(400, "invalid_request", "send the parameters form-encoded")
        try:
            form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        except UnicodeDecodeError:
            return _error(400, "invalid_request", "the form is not UTF-8")
        credentials = _credentials(request.headers.get("authorization"), form)
        if credentials is None:
            return _error(
                400,
                "invalid_request",
                "authenticate with HTTP Basic or client_id and client_secret, not both",
            )
        client_id, secret, basic = credentials
        if form.get("grant_type") != "client_credentials":
            return _error(400, "unsupported_grant_type", "only client_credentials is supported")
        client = await runtime.clients.authenticate(client_id, secret) if client_id else None
        if client is None:
            log.info("oauth_client_refused", client_id=client_id[:64])
            challenge = 'Basic realm="healthbridge"' if basic else 'Bearer realm="healthbridge"'
            return _error(
                401,
                "invalid_client",
                "client authentication failed",
                headers={"WWW-Authenticate": challenge},
            )
        if client.environment != runtime.environment:
            return _error(
                400,
                "unauthorized_client",
                f"this client is registered for {client.environment}; this gateway serves "
                f"{runtime.environment}",
            )
        requested = frozenset(form.get("scope", "").split()) or client.scopes
        if not requested <= client.scopes:
            return _error(400, "invalid_scope", "the requested scope exceeds the client's scopes")
        issued = runtime.issuer.issue(client, requested)
        log.info("oauth_token_issued", client_id=client.client_id)
        return JSONResponse(issued.response(), headers=_NO_STORE)

    @router.get(
        "/.well-known/jwks.json",
        response_class=JSONResponse,
        openapi_extra=_JWKS_OPENAPI,
        summary="Public keys of the token issuer",
    )
    async def jwks(request: Request) -> JSONResponse:
        runtime: GatewayRuntime = request.app.state.gateway
        return JSONResponse(runtime.jwks(), headers={"Cache-Control": "public, max-age=300"})

    return router


def _credentials(authorization: str | None, form: dict[str, str]) -> tuple[str, str, bool] | None:
    """(client id, secret, via Basic) or None when the request mixes or garbles methods."""
    in_form = "client_secret" in form
    if authorization and authorization[:6].lower() == "basic ":
        if in_form:
            return None
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            return None
        # RFC 6749 2.3.1: both parts are form-urlencoded before the Basic encoding.
        return unquote_plus(client_id), unquote_plus(secret), True
    return form.get("client_id", ""), form.get("client_secret", ""), False


def _error(
    status: int, error: str, description: str, *, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={**_NO_STORE, **(headers or {})},
    )
