"""A payer's FHIR endpoint (``POST /fhir/Claim``) protected by OAuth 2.0 client credentials.

``POST /oauth/token`` (RFC 6749 section 4.4, client authenticated with HTTP Basic) issues
opaque bearer tokens that expire after ``token_seconds``. A Claim is adjudicated once per
identifier: ``complete`` with a payment of the claim total, or ``error`` (denied) when
the total is above ``deny_above`` or a ``deny`` fault is armed. Control routes under
``/_sandbox/`` (``X-Sandbox-Token``) show the tokens issued and claims seen, arm faults
(``deny``, ``error``) and revoke every token (to prove the hub refreshes).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hmac
import json
import secrets
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from healthbridge.sandbox.serving import listen, serve_until_signalled

TOKEN_HEADER = "X-Sandbox-Token"  # noqa: S105 - a header name, not a secret
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
PAYMENT_TYPE = "http://terminology.hl7.org/CodeSystem/ex-paymenttype"


@dataclass
class PayerState:
    """Clients, tokens, adjudicated claims and faults of one payer sandbox."""

    client_id: str = "healthbridge"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    control_token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    token_seconds: float = 300.0
    deny_above: float = 10_000.0
    tokens: dict[str, float] = field(default_factory=dict)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)

    def issue(self) -> tuple[str, float]:
        """A new bearer token and its lifetime."""
        token = secrets.token_urlsafe(24)
        self.tokens[token] = time.monotonic() + self.token_seconds
        self.counts["tokens_issued"] += 1
        return token, self.token_seconds

    def valid(self, token: str) -> bool:
        """Whether ``token`` was issued and has not expired or been revoked."""
        expiry = self.tokens.get(token)
        return expiry is not None and time.monotonic() < expiry

    def adjudicate(self, claim: dict[str, Any]) -> dict[str, Any]:
        """The ClaimResponse for ``claim``: the first one for its identifier."""
        key = _identifier(claim)
        known = self.claims.get(key)
        if known is not None:
            return known
        total = float((claim.get("total") or {}).get("value") or 0.0)
        currency = str((claim.get("total") or {}).get("currency") or "EUR")
        denied = total > self.deny_above or self.faults["deny"] > 0
        if self.faults["deny"] > 0:
            self.faults["deny"] -= 1
        response: dict[str, Any] = {
            "resourceType": "ClaimResponse",
            "id": f"cr-{len(self.claims) + 1}",
            "identifier": [{"system": "urn:sandbox:payer:claim-response", "value": key}],
            "status": "active",
            "type": claim.get("type")
            or {"coding": [{"system": CLAIM_TYPE, "code": "institutional"}]},
            "use": "claim",
            "patient": claim.get("patient") or {"display": "unknown"},
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "insurer": {"display": "Sandbox Payer"},
            "request": {"identifier": {"system": "urn:healthbridge:claim", "value": key}},
            "outcome": "error" if denied else "complete",
            "disposition": "Denied: above the plan's limit" if denied else "Approved",
        }
        if denied:
            response["error"] = [
                {"code": {"coding": [{"system": "urn:sandbox:payer:error", "code": "denied"}]}}
            ]
        else:
            response["payment"] = {
                "type": {"coding": [{"system": PAYMENT_TYPE, "code": "complete"}]},
                "amount": {"value": total, "currency": currency},
            }
        self.claims[key] = response
        return response


def _identifier(claim: dict[str, Any]) -> str:
    for identifier in claim.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("value"):
            return str(identifier["value"])
    return f"anonymous-{secrets.token_hex(4)}"


STATE = web.AppKey("payer_state", PayerState)


def _oauth_error(code: str, status: int) -> web.Response:
    return web.json_response({"error": code}, status=status, headers={"Cache-Control": "no-store"})


async def token(request: web.Request) -> web.Response:
    """RFC 6749 4.4: client credentials in HTTP Basic, ``grant_type=client_credentials``."""
    state = request.app[STATE]
    form = await request.post()
    if form.get("grant_type") != "client_credentials":
        return _oauth_error("unsupported_grant_type", 400)
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    try:
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        client_id, secret = "", ""
    if scheme.lower() != "basic" or not (
        hmac.compare_digest(client_id, state.client_id)
        and hmac.compare_digest(secret, state.client_secret)
    ):
        return _oauth_error("invalid_client", 401)
    issued, lifetime = state.issue()
    return web.json_response(
        {
            "access_token": issued,
            "token_type": "Bearer",
            "expires_in": int(lifetime),
            "scope": str(form.get("scope") or "system/Claim.write"),
        },
        headers={"Cache-Control": "no-store"},
    )


async def claim(request: web.Request) -> web.Response:
    """Adjudicate a FHIR Claim; a missing, expired or revoked token is 401."""
    state = request.app[STATE]
    scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not state.valid(bearer):
        state.counts["claims_unauthorised"] += 1
        return web.json_response(
            {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "login"}]},
            status=401,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    try:
        body = json.loads(await request.read())
    except ValueError:
        body = None
    if not isinstance(body, dict) or body.get("resourceType") != "Claim":
        return web.json_response({"resourceType": "OperationOutcome"}, status=400)
    state.counts["claims"] += 1
    if state.faults["error"] > 0:
        state.faults["error"] -= 1
        return web.json_response({"resourceType": "OperationOutcome"}, status=503)
    return web.json_response(state.adjudicate(body), status=201)


def _authorised(request: web.Request) -> PayerState | web.Response:
    state = request.app[STATE]
    if not hmac.compare_digest(request.headers.get(TOKEN_HEADER, ""), state.control_token):
        return web.json_response({"error": f"missing or wrong {TOKEN_HEADER}"}, status=401)
    return state


async def show_state(request: web.Request) -> web.Response:
    """Counts, claims seen and armed faults."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    return web.json_response(
        {"counts": dict(state.counts), "claims": state.claims, "faults": dict(state.faults)}
    )


async def add_fault(request: web.Request) -> web.Response:
    """Arm ``{"kind": "deny"|"error", "count": n}``."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    body = json.loads(await request.read() or b"{}")
    if body.get("kind") not in ("deny", "error"):
        return web.json_response({"error": "kind is deny or error"}, status=400)
    state.faults[str(body["kind"])] += int(body.get("count") or 1)
    return web.json_response(dict(state.faults), status=201)


async def revoke(request: web.Request) -> web.Response:
    """Revoke every token issued so far (the hub must fetch a new one)."""
    state = _authorised(request)
    if isinstance(state, web.Response):
        return state
    revoked = len(state.tokens)
    state.tokens.clear()
    return web.json_response({"revoked": revoked})


def create_payer_app(state: PayerState | None = None) -> web.Application:
    """The aiohttp application of one payer sandbox."""
    app = web.Application()
    app[STATE] = state or PayerState()
    app.router.add_post("/oauth/token", token)
    app.router.add_post("/fhir/Claim", claim)
    app.router.add_get("/_sandbox/state", show_state)
    app.router.add_post("/_sandbox/faults", add_fault)
    app.router.add_post("/_sandbox/revoke", revoke)
    return app


@dataclass
class RunningPayer:
    """A listening payer sandbox."""

    url: str
    state: PayerState
    _runner: web.AppRunner = field(repr=False)

    async def stop(self) -> None:
        """Stop listening."""
        await self._runner.cleanup()

    def describe(self) -> dict[str, Any]:
        """The JSON line a process prints on start (includes the client secret: test use)."""
        return {
            "url": self.url,
            "token_url": f"{self.url}/oauth/token",
            "client_id": self.state.client_id,
            "client_secret": self.state.client_secret,
            "control_token": self.state.control_token,
        }


async def start_payer(
    *, host: str = "127.0.0.1", port: int = 0, state: PayerState | None = None
) -> RunningPayer:
    """Listen on ``host:port`` (0 picks a free port) in the running loop."""
    app = create_payer_app(state)
    url, runner = await listen(app, host, port)
    return RunningPayer(url, app[STATE], runner)


async def _serve(args: argparse.Namespace) -> None:
    state = PayerState(token_seconds=args.token_seconds)
    if args.client_secret:
        state.client_secret = args.client_secret
    payer = await start_payer(host=args.host, port=args.port, state=state)
    await serve_until_signalled(payer.describe(), payer.stop)


def main(argv: Sequence[str] | None = None) -> int:
    """Run until SIGTERM/SIGINT; the first stdout line is the JSON description."""
    parser = argparse.ArgumentParser(
        prog="python -m healthbridge.sandbox.payer",
        description="A payer FHIR Claim endpoint behind OAuth 2.0 client credentials.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8791, help="0 picks a free port")
    parser.add_argument("--token-seconds", type=float, default=300.0)
    parser.add_argument("--client-secret", default=None)
    asyncio.run(_serve(parser.parse_args(argv)))
    return 0
