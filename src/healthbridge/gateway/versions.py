"""API versions: deprecation and sunset of a path prefix, declared in settings.

A deprecated surface answers as before with ``Deprecation: @<epoch>`` (RFC 9745),
``Sunset: <HTTP-date>`` (RFC 8594) and ``Link: <successor>; rel="successor-version"``;
from its sunset on, every route under it answers 410 Gone with the same links.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from healthbridge.core.sections.gateway import ApiDeprecation
from healthbridge.gateway.problems import send_error


def deprecation_headers(deprecation: ApiDeprecation) -> list[tuple[bytes, bytes]]:
    """The headers announcing ``deprecation``."""
    headers = [(b"deprecation", f"@{int(deprecation.deprecated_at.timestamp())}".encode())]
    if deprecation.sunset is not None:
        sunset = format_datetime(deprecation.sunset.astimezone(UTC), usegmt=True)
        headers.append((b"sunset", sunset.encode()))
    if deprecation.successor:
        headers.append((b"link", f'<{deprecation.successor}>; rel="successor-version"'.encode()))
    return headers


class VersionMiddleware:
    """Adds deprecation headers under deprecated prefixes and answers 410 after sunset."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        deprecations: Sequence[ApiDeprecation],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.app = app
        # Longest prefix first, so /api/v1/orders can differ from /api/v1.
        self._deprecations = sorted(deprecations, key=lambda d: len(d.path_prefix), reverse=True)
        self._now = now

    def _match(self, path: str) -> ApiDeprecation | None:
        for deprecation in self._deprecations:
            prefix = deprecation.path_prefix
            if path == prefix or path.startswith(prefix + "/"):
                return deprecation
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        deprecation = self._match(scope["path"]) if scope["type"] == "http" else None
        if deprecation is None:
            await self.app(scope, receive, send)
            return
        headers = deprecation_headers(deprecation)
        if deprecation.sunset is not None and self._now() >= deprecation.sunset:
            successor = f": use {deprecation.successor}" if deprecation.successor else ""
            await send_error(
                scope,
                send,
                410,
                "gateway.sunset",
                f"this API version was retired on {deprecation.sunset:%Y-%m-%d}{successor}",
                headers=headers,
            )
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)
