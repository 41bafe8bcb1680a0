"""Every route of the app refuses bad tokens, except the routes listed as public.

The test enumerates the routes of ``full_app`` (the conftest fixture the integrator
points at the real routers), so a route added later without ``require_scopes`` fails
the wrong-scope check, and a route that is public without being listed in
``PUBLIC_ROUTES`` fails the missing-token check.
"""

from __future__ import annotations

import re
import time

import pytest
from fastapi import APIRouter, FastAPI, WebSocket
from fastapi.routing import iter_route_contexts

from healthbridge.gateway.health import health_router
from healthbridge.gateway.hub_app import hub_routers
from healthbridge.gateway.public import public_routes
from healthbridge.gateway.routes import RouteServices
from healthbridge.gateway.routes.operations import operations_router
from healthbridge.workflows.operations import WorkflowAdmin
from tests.integration.gateway.conftest import bearer

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class Unreachable:
    """Stands for every service behind the routes: a refused call must never reach one."""

    def __getattr__(self, name: str):
        raise AssertionError(f"a refused request reached a service ({name})")


@pytest.fixture
def extra_routers() -> list[APIRouter]:
    """Every router the hub serves (as gateway/hub_app.py and the demo include them)."""
    services = RouteServices.build(Unreachable(), Unreachable())
    return hub_routers(
        services,
        health_router([]),
        [operations_router(WorkflowAdmin(Unreachable()), Unreachable())],
    )


def protected_requests(app: FastAPI) -> list[tuple[str, str]]:
    """(method, concrete path) of every route that is not listed as public."""
    public = public_routes(docs_public=True)
    calls = []
    for route in iter_route_contexts(app.routes):
        if route.path is None or route.path in public.templates:
            continue
        path = re.sub(r"\{[^}:]+(:[^}]+)?\}", "x1", route.path)
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            calls.append((method, path))
    return calls


def request_options(method: str, token: str | None) -> dict:
    headers = bearer(token) if token is not None else {}
    if method in WRITE_METHODS:
        headers["Idempotency-Key"] = f"auth-test-{time.monotonic_ns()}"
        return {"headers": headers, "json": {}}
    return {"headers": headers}


async def test_the_app_has_protected_routes_of_every_kind(full_app):
    calls = protected_requests(full_app)

    assert any(method == "GET" for method, _ in calls)
    assert any(method in WRITE_METHODS for method, _ in calls)
    assert any(path.startswith("/fhir/") for _, path in calls)


async def unprotected_routes(app, http, mint, client_id: str) -> list[str]:
    """Each (route, token) pair that was not refused as it should have been."""
    bad_tokens = {
        "missing": None,
        "garbage": "not.a.token",
        "expired": mint(client_id, exp=int(time.time()) - 3600, iat=int(time.time()) - 4000),
        "wrong audience": mint(client_id, aud="someone-else"),
        "wrong issuer": mint(client_id, iss="https://evil.example"),
        "wrong environment": mint(client_id, env="prod"),
        "unregistered client": mint("nobody-registered-this"),
    }
    no_scope = mint(client_id, scopes=("nothing.granted",))
    failures = []
    for method, path in protected_requests(app):
        for name, token in bad_tokens.items():
            answer = await http.request(method, path, **request_options(method, token))
            if answer.status_code != 401 or "www-authenticate" not in answer.headers:
                failures.append(f"{method} {path} with a {name} token: {answer.status_code}")
        answer = await http.request(method, path, **request_options(method, no_scope))
        if answer.status_code != 403:
            failures.append(f"{method} {path} with a token lacking scopes: {answer.status_code}")
    return failures


async def test_every_protected_route_rejects_bad_tokens(full_app, http, mint, register):
    client_id, _ = await register()

    assert await unprotected_routes(full_app, http, mint, client_id) == []


async def test_a_route_added_without_scopes_is_caught(full_app, http, mint, register):
    client_id, _ = await register()
    careless = APIRouter()

    @careless.get("/api/v1/forgotten/{ref}")
    async def forgotten(ref: str) -> dict[str, str]:
        return {"ref": ref}

    full_app.include_router(careless)

    failures = await unprotected_routes(full_app, http, mint, client_id)

    assert failures == ["GET /api/v1/forgotten/x1 with a token lacking scopes: 200"]


@pytest.mark.parametrize(
    "path", ["/healthz", "/.well-known/jwks.json", "/fhir/R4/metadata", "/openapi.json"]
)
async def test_public_routes_answer_without_a_token(http, path):
    answer = await http.get(path)

    assert answer.status_code == 200


async def test_an_unknown_path_asks_for_a_token_rather_than_revealing_it_is_unknown(http):
    answer = await http.get("/api/v9/nothing-here")

    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer realm="healthbridge"'


async def test_a_websocket_route_is_held_to_the_same_rule(full_app, mint, register):
    client_id, _ = await register()

    @full_app.websocket("/api/v1/stream")
    async def stream(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.close()

    async def connect(headers: list[tuple[bytes, bytes]]) -> list[dict]:
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "path": "/api/v1/stream",
            "raw_path": b"/api/v1/stream",
            "root_path": "",
            "scheme": "ws",
            "query_string": b"",
            "headers": headers,
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
            "subprotocols": [],
        }
        sent: list[dict] = []
        messages = iter([{"type": "websocket.connect"}, {"type": "websocket.disconnect"}])

        async def receive() -> dict:
            return next(messages)

        async def send(message: dict) -> None:
            sent.append(message)

        await full_app(scope, receive, send)
        return sent

    refused = await connect([])
    accepted = await connect([(b"authorization", f"Bearer {mint(client_id)}".encode())])

    assert refused == [{"type": "websocket.close", "code": 1008}]
    assert accepted[0]["type"] == "websocket.accept"
