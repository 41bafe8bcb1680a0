"""Hot routes answered without the router's search: an exact path leads straight to its route.

FastAPI finds a request's route by trying every included router in turn, and each try
walks that router's routes with bookkeeping on the scope; for the gateway's hottest
read that search cost more than the route's own work. A route that can answer a request
on its own (``DirectRoute``: it checks the request and sends the answer, or declines)
and has a fixed path is looked up here in a dictionary instead.

Nothing else changes: the route is the one the router would have chosen (a route is
only taken when no route before it matches its path, so none is shadowed), the scope
gets the same ``route``/``endpoint``/``path_params`` keys, and the lookup sits inside
the app's exception middleware, so an error the route raises becomes the same problem
document. A request the route declines, and every other request, goes to the router.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send


@runtime_checkable
class DirectRoute(Protocol):
    """A route that can answer some requests by itself, before the router is asked."""

    path: str

    async def answer_directly(self, scope: Scope, send: Send) -> bool:
        """Send the whole answer and return True, or send nothing and return False."""
        ...


class DirectRoutes:
    """Wraps the app's router: requests for a ``DirectRoute``'s exact path go to it first."""

    def __init__(
        self, app: ASGIApp, router: object, routes: Callable[[], Sequence[BaseRoute]]
    ) -> None:
        self.app = app
        self._router = router
        self._routes = routes
        self._table: dict[tuple[str, str], DirectRoute] | None = None

    def table(self) -> dict[tuple[str, str], DirectRoute]:
        """(method, path) -> route, for every direct route no earlier route shadows.

        Built on first use: FastAPI resolves included routers lazily, once the app is built.
        """
        if self._table is None:
            self._table = _build(list(self._routes()))
        return self._table

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("root_path"):
            route = self.table().get((scope["method"], scope["path"]))
            if route is not None:
                # What the router would have put on the scope (the audit and the trace
                # name the request by ``route``).
                scope.setdefault("router", self._router)
                scope["endpoint"] = getattr(route, "endpoint", None)
                scope["path_params"] = {}
                scope["route"] = route
                if await route.answer_directly(scope, send):
                    return
        await self.app(scope, receive, send)


def _build(routes: Sequence[BaseRoute]) -> dict[tuple[str, str], DirectRoute]:
    table: dict[tuple[str, str], DirectRoute] = {}
    earlier: list[tuple[re.Pattern[str], frozenset[str]]] = []
    for context in iter_route_contexts(routes):
        route = context.original_route
        regex: re.Pattern[str] | None = getattr(context, "path_regex", None)
        methods = frozenset(getattr(context, "methods", None) or ())
        if (
            isinstance(route, DirectRoute)
            and context.path == route.path
            and "{" not in route.path
            and methods
        ):
            for method in methods:
                shadowed = any(
                    pattern.match(route.path) and (not taken or method in taken)
                    for pattern, taken in earlier
                )
                if not shadowed and (method, route.path) not in table:
                    table[method, route.path] = route
        if regex is not None:
            earlier.append((regex, methods))
    return table
