"""DirectRoutes: an exact path goes straight to its route, with the router's own outcome."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.types import Scope, Send

from healthbridge.gateway.direct_routes import DirectRoutes


class RefusedError(Exception):
    """Raised by the direct answer, to show the app's exception handlers still apply."""


class Quick(APIRoute):
    """Answers directly when the request carries ``x-quick``; raises on ``x-quick: fail``."""

    async def answer_directly(self, scope: Scope, send: Send) -> bool:
        quick = dict(scope["headers"]).get(b"x-quick")
        if quick is None:
            return False
        if quick == b"fail":
            raise RefusedError
        body = b'{"via":"direct"}'
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return True


class SeenRoutes:
    """Outer middleware: which route each request ended up on (as the audit reads it)."""

    def __init__(self, app: Any, seen: list[str]) -> None:
        self.app = app
        self.seen = seen

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.seen.append(getattr(scope.get("route"), "path", "-"))


def _app(*, shadow: bool = False) -> tuple[FastAPI, list[str]]:
    app = FastAPI()
    if shadow:
        earlier = APIRouter()

        @earlier.get("/api/{anything}")
        async def catch_all(anything: str) -> dict[str, str]:
            return {"via": "earlier"}

        app.include_router(earlier)
    router = APIRouter(prefix="/api", route_class=Quick)

    @router.get("/quick")
    async def quick() -> dict[str, str]:
        return {"via": "router"}

    app.include_router(router)

    async def refused(_request: Request, _error: Exception) -> JSONResponse:
        return JSONResponse({"via": "handler"}, status_code=409)

    app.add_exception_handler(RefusedError, refused)
    seen: list[str] = []
    app.add_middleware(SeenRoutes, seen=seen)
    app.router.middleware_stack = DirectRoutes(
        app.router.middleware_stack, app.router, lambda: app.routes
    )
    return app, seen


async def _get(app: FastAPI, path: str, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path, headers=headers)


async def test_an_accepted_request_is_answered_directly_on_the_route_the_router_would_pick():
    app, seen = _app()

    direct = await _get(app, "/api/quick", **{"x-quick": "yes"})
    declined = await _get(app, "/api/quick")

    assert direct.json() == {"via": "direct"}
    assert declined.json() == {"via": "router"}
    assert seen == ["/api/quick", "/api/quick"]


async def test_an_error_raised_by_the_direct_answer_reaches_the_apps_exception_handlers():
    app, _ = _app()

    response = await _get(app, "/api/quick", **{"x-quick": "fail"})

    assert (response.status_code, response.json()) == (409, {"via": "handler"})


async def test_a_route_shadowed_by_an_earlier_one_is_never_taken_directly():
    app, seen = _app(shadow=True)

    response = await _get(app, "/api/quick", **{"x-quick": "yes"})

    assert response.json() == {"via": "earlier"}
    assert seen == ["/api/{anything}"]


async def test_other_methods_and_paths_go_to_the_router():
    app, _ = _app()

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        wrong_method = await client.post("/api/quick", headers={"x-quick": "yes"})
        unknown = await client.get("/api/quick/more", headers={"x-quick": "yes"})

    assert wrong_method.status_code == 405
    assert unknown.status_code == 404
