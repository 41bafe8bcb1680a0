"""Which route template a request path matches, for the audit trail.

The audit names the route (``/api/v1/partners/{system}/{value}``), never the raw path,
which can carry identifiers. FastAPI includes routers lazily, so the templates are
collected from the app's effective route contexts on first use, when the app is built.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute


class RouteTemplates:
    """Maps (method, path) to the template of the route that serves it."""

    def __init__(self, routes: Callable[[], Sequence[BaseRoute]]) -> None:
        self._routes = routes
        self._table: list[tuple[re.Pattern[str], frozenset[str], str]] | None = None

    def _build(self) -> list[tuple[re.Pattern[str], frozenset[str], str]]:
        table = []
        for context in iter_route_contexts(list(self._routes())):
            regex: Any = getattr(context, "path_regex", None)
            path = context.path
            if regex is None or path is None:
                continue
            table.append((regex, frozenset(context.methods or ()), str(path)))
        return table

    def template(self, method: str, path: str) -> str | None:
        """The template of the route for ``method path``, or None when none matches."""
        if self._table is None:
            self._table = self._build()
        fallback = None
        for regex, methods, template in self._table:
            if regex.match(path):
                if not methods or method in methods:
                    return template
                fallback = fallback or template
        return fallback
