"""A local webhook receiver for tests and the demo: verifies, records, fails on demand.

It checks every request with the hub's own inbound verifier (tests check again with the
``standardwebhooks`` reference package on the recorded bytes), answers 204 when the
signature holds and 401 when it does not, and keeps what it got. An operator or a test
can tell it to fail (any status, a number of times or until told otherwise, with a
``Retry-After``) or to answer slowly, to play an outage.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType

from aiohttp import web

from healthbridge.webhooks.errors import WebhookVerificationError
from healthbridge.webhooks.inbound import verify_inbound


@dataclass(frozen=True, slots=True)
class ReceivedWebhook:
    """One request the receiver answered 2xx, exactly as it arrived."""

    webhook_id: str
    timestamp: str
    signature: str
    body: bytes
    headers: dict[str, str]
    received_at: float


@dataclass
class _Failure:
    status: int
    remaining: int | None
    retry_after: str | None


@dataclass
class WebhookReceiver:
    """An aiohttp server on a loopback port; use as ``async with WebhookReceiver(...) as r``."""

    secrets: Sequence[str] = ()
    host: str = "127.0.0.1"
    port: int = 0
    path: str = "/hooks"
    tolerance_seconds: float = 300.0
    received: list[ReceivedWebhook] = field(default_factory=list)
    requests: int = 0
    rejected: int = 0
    _failure: _Failure | None = None
    _delay: float = 0.0
    _runner: web.AppRunner | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        """Where to POST webhooks."""
        return f"http://{self.host}:{self.port}{self.path}"

    async def start(self) -> str:
        """Listen (on a free port when ``port`` is 0); returns the URL."""
        app = web.Application()
        app.router.add_post(self.path, self._handle)
        # A test receiver needs no graceful drain: a client gone mid-request must not
        # hold the shutdown for aiohttp's default minute.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        if self.port == 0:
            self.port = int(runner.addresses[0][1])
        self._runner = runner
        return self.url

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> WebhookReceiver:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def fail_with(
        self, status: int = 503, *, times: int | None = None, retry_after: str | None = None
    ) -> None:
        """Answer ``status`` to the next ``times`` requests (every request when None)."""
        self._failure = _Failure(status, times, retry_after)

    def recover(self) -> None:
        """Answer 204 again."""
        self._failure = None

    def slow_down(self, seconds: float) -> None:
        """Wait ``seconds`` before answering each request (0 to stop)."""
        self._delay = seconds

    def ids(self) -> set[str]:
        """The distinct ``webhook-id`` values received."""
        return {item.webhook_id for item in self.received}

    async def wait_for(self, count: int, within: float) -> set[str]:
        """Wait until ``count`` distinct webhook ids arrived; TimeoutError after ``within`` s."""
        async with asyncio.timeout(within):
            while len(self.ids()) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.ids()

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        body = await request.read()
        if self._delay:
            await asyncio.sleep(self._delay)
        failure = self._failure
        if failure is not None:
            if failure.remaining is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failure = None
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
            return web.Response(status=failure.status, text="failing on purpose", headers=headers)
        headers = {key.lower(): value for key, value in request.headers.items()}
        if self.secrets:
            try:
                verify_inbound(
                    headers,
                    body,
                    self.secrets,
                    datetime.now(UTC),
                    tolerance_seconds=self.tolerance_seconds,
                )
            except (WebhookVerificationError, ValueError):
                self.rejected += 1
                return web.Response(status=401, text="signature not valid")
        self.received.append(
            ReceivedWebhook(
                webhook_id=headers.get("webhook-id", ""),
                timestamp=headers.get("webhook-timestamp", ""),
                signature=headers.get("webhook-signature", ""),
                body=body,
                headers=headers,
                received_at=time.monotonic(),
            )
        )
        self._changed.set()
        return web.Response(status=204)
