"""Outgoing webhooks, sent the way Odoo 19.0 sends them (wire facts, section 4).

Odoo posts each automation-rule webhook after the commit, synchronously inside the
request that made the change, one after another, with a 1-second timeout, no retry,
and only a log line on failure. A slow receiver therefore slows the RPC, and a dead
one does not fail it; the hub's webhook receiver must be tested against exactly that.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import aiohttp
import structlog
from yarl import URL

log = structlog.get_logger(__name__)

Outcome = Literal["succeeded", "failed", "timed_out", "unreachable"]

# What python-requests 2.31 sends by default, plus Odoo's one explicit header, in wire order.
REQUEST_HEADERS = {
    "User-Agent": "python-requests/2.31.0",
    "Accept-Encoding": "gzip, deflate",
    "Accept": "*/*",
    "Connection": "keep-alive",
    "Content-Type": "application/json",
}


class Post(Protocol):
    """A webhook to send: the configured URL (query kept) and Odoo's exact body bytes."""

    @property
    def url(self) -> str: ...

    @property
    def body(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One POST the sandbox attempted, and how it ended."""

    url: str
    body: bytes
    outcome: Outcome
    status: int | None
    error: str | None
    started_at: datetime
    duration: float
    """Seconds from connect to the end of the response (or the failure)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON view for the control API; the body is Odoo's ASCII JSON, kept as text."""
        return {
            "url": self.url,
            "body": self.body.decode("utf-8", errors="replace"),
            "outcome": self.outcome,
            "status": self.status,
            "error": self.error,
            "started_at": self.started_at.isoformat(),
            "duration": round(self.duration, 6),
        }


class WebhookLog:
    """The most recent deliveries, oldest first, bounded so a long benchmark cannot grow it."""

    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[WebhookDelivery] = deque(maxlen=size)

    def append(self, delivery: WebhookDelivery) -> None:
        """Record one delivery, dropping the oldest when full."""
        self._entries.append(delivery)

    def entries(self) -> list[WebhookDelivery]:
        """A snapshot of the log."""
        return list(self._entries)

    def clear(self) -> None:
        """Forget every delivery."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[WebhookDelivery]:
        return iter(list(self._entries))


class WebhookSender:
    """Sends webhooks one after another and records each outcome; never raises."""

    def __init__(self, log_size: int = 1000, *, timeout: float = 1.0) -> None:
        self.log = WebhookLog(log_size)
        # requests' timeout=1 bounds the connect and each socket read, not the whole call.
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=timeout, sock_read=timeout)
        self._timeout_seconds = timeout
        self._session: aiohttp.ClientSession | None = None

    async def send_all(self, posts: Sequence[Post]) -> None:
        """POST each webhook in order, waiting for each before the next, as Odoo does."""
        for post in posts:
            await self.send(post)

    async def send(self, post: Post) -> WebhookDelivery:
        """POST one webhook; failures are logged and recorded, never raised."""
        session = self._ensure_session()
        where = _without_query(post.url)
        log.info("webhook_call", url=where)
        started_at = datetime.now(UTC)
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            async with session.post(
                URL(post.url, encoded=True), data=post.body, headers=REQUEST_HEADERS
            ) as response:
                status = response.status
                await response.read()
            outcome: Outcome = "succeeded" if 200 <= status < 300 else "failed"
            if outcome == "failed":
                error = f"{status} {response.reason}"
        except TimeoutError:
            outcome = "timed_out"
            error = f"timed out after {self._timeout_seconds:g}s"
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            outcome = "unreachable"
            error = type(exc).__name__
        delivery = WebhookDelivery(
            post.url, post.body, outcome, status, error, started_at, time.perf_counter() - started
        )
        self.log.append(delivery)
        if outcome == "succeeded":
            log.info("webhook_call_succeeded", url=where, status=status)
        elif outcome == "timed_out":
            log.warning("webhook_call_timed_out", url=where, timeout=self._timeout_seconds)
        else:
            log.warning("webhook_call_failed", url=where, status=status, error=error)
        return delivery

    async def close(self) -> None:
        """Close the HTTP client; the sender can be used again afterwards."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
            # Let the connector's transports finish closing before the loop may end.
            await asyncio.sleep(0)

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # A new connection per POST, as requests.post opens and closes its own session.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(force_close=True),
                timeout=self._timeout,
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept"),
                auto_decompress=False,
            )
        return self._session


def _without_query(url: str) -> str:
    """The URL without its query string, which may hold the receiver's token."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
