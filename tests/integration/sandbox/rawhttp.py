"""A bare HTTP/1.1 exchange over a socket, for tests that check exact bytes and headers.

Client libraries normalise what they show (strip header whitespace, merge duplicates,
hide ``Connection``); the wire facts are about the bytes, so these tests read them raw.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class RawResponse:
    """A response as it crossed the wire."""

    status_line: str
    headers: list[tuple[str, str]]
    body: bytes
    closed_by_server: bool
    """Whether the server closed the connection after this response."""

    @property
    def status(self) -> int:
        return int(self.status_line.split(" ", 2)[1])

    def header(self, name: str) -> str | None:
        """The raw value of the first header called ``name`` (case-insensitive)."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def has_header(self, name: str) -> bool:
        return self.header(name) is not None

    def json(self) -> Any:
        return json.loads(self.body)


async def raw_request(
    url: str,
    method: str,
    path: str,
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,  # noqa: ASYNC109 - one bound for connect, send and read
) -> RawResponse:
    """Send one request on a fresh connection and read exactly one response."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(host, port)
        try:
            lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
            lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
            lines.append(f"Content-Length: {len(body)}")
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            await writer.drain()
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            status_line, *header_lines = head[:-4].split("\r\n")
            parsed = [tuple(line.split(": ", 1)) for line in header_lines]
            response_headers = [(key, value) for key, value in parsed]
            length = next((int(v) for k, v in response_headers if k.lower() == "content-length"), 0)
            payload = await reader.readexactly(length)
            try:
                async with asyncio.timeout(0.3):
                    closed = await reader.read(1) == b""
            except TimeoutError:
                closed = False
            return RawResponse(status_line, response_headers, payload, closed)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


async def post_json(
    url: str, path: str, payload: Any, headers: dict[str, str] | None = None
) -> RawResponse:
    """POST ``payload`` as application/json, raw."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return await raw_request(
        url, "POST", path, body=json.dumps(payload).encode(), headers=all_headers
    )
