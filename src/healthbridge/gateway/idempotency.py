"""Idempotency-Key on writes: one execution per (client, key), its response replayed.

Every POST/PUT/PATCH/DELETE under /api/ and /fhir/ must carry ``Idempotency-Key``. The
request's fingerprint is sha256 of method, path, query and body. Then:

* the first request with a key claims it (a row insert in the store, under the
  in-process lock and, with Redis configured, a Redis lock) and runs; a 2xx-4xx answer
  is stored, while a 5xx, 401/403/408/429 or an exception releases the claim so a
  retry runs again;
* a retry with the same fingerprint gets the stored answer with
  ``Idempotent-Replayed: true``; with another fingerprint, 422;
* a request arriving while the first is still running waits for it (the in-process
  lock, or polling the store across processes) up to ``idempotency_wait_seconds``, then
  replays its answer; if it is still running after that, 409 with ``Retry-After``.

A claim left ``in_progress`` by a process that died is taken over after
``stale_claim_seconds`` (the setting ``gateway.idempotency_claim_timeout_seconds``).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from contextlib import AsyncExitStack
from datetime import timedelta

import structlog
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from healthbridge.core.clock import utc_now
from healthbridge.gateway.locks import KeyedLocks, RedisKeyLock
from healthbridge.gateway.problems import send_error
from healthbridge.security.principal import Principal
from healthbridge.store.idempotency import COMPLETED, IdempotencyRecords, StoredResponse

log = structlog.get_logger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
GUARDED_PREFIXES = ("/api/", "/fhir/")
REPLAYED_HEADER = b"idempotent-replayed"
_KEPT_HEADERS = frozenset(
    {"content-type", "location", "content-location", "etag", "last-modified", "preference-applied"}
)
_NOT_STORED = frozenset({401, 403, 408, 429})
"""Answers about the caller's credentials or pace, not the request: a retry runs again."""
_MAX_KEY_LENGTH = 255
_POLL_SECONDS = 0.02


class IdempotencyGuard:
    """The records, the locks and the policy the middleware applies."""

    def __init__(
        self,
        records: IdempotencyRecords,
        *,
        ttl_seconds: int,
        wait_seconds: float,
        max_body_bytes: int,
        redis_lock: RedisKeyLock | None = None,
        stale_claim_seconds: float,
    ) -> None:
        self.records = records
        self.ttl = timedelta(seconds=ttl_seconds)
        self.wait_seconds = wait_seconds
        self.max_body_bytes = max_body_bytes
        self.redis_lock = redis_lock
        self.stale_claim = timedelta(seconds=stale_claim_seconds)
        self.local = KeyedLocks()
        self.executions = 0
        """Requests that reached the route (tests compare it with the requests sent)."""


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    """The hash that tells a retry from a different request under the same key."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


class IdempotencyMiddleware:
    """Applies ``IdempotencyGuard`` to every guarded write."""

    def __init__(self, app: ASGIApp, *, guard: IdempotencyGuard) -> None:
        self.app = app
        self._guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in WRITE_METHODS
            or not scope["path"].startswith(GUARDED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        principal = scope.get("state", {}).get("principal")
        if not isinstance(principal, Principal):
            await self.app(scope, receive, send)
            return
        key = _header(scope, b"idempotency-key")
        if not key or len(key) > _MAX_KEY_LENGTH or not key.isprintable():
            await send_error(
                scope,
                send,
                400,
                "gateway.idempotency_key_required",
                "writes need an Idempotency-Key header (1-255 printable characters, "
                "e.g. a UUID); send the same key when you retry",
            )
            return
        body = await _read_body(receive, self._guard.max_body_bytes)
        if body is None:
            await send_error(
                scope,
                send,
                413,
                "gateway.body_too_large",
                f"the request body is larger than {self._guard.max_body_bytes} bytes",
            )
            return
        digest = fingerprint(scope["method"], scope["path"], scope.get("query_string", b""), body)
        await self._guarded(scope, receive, send, principal.client_id, key, digest, body)

    async def _guarded(  # noqa: PLR0917 - the ASGI triple plus the request's identity
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        client_id: str,
        key: str,
        digest: str,
        body: bytes,
    ) -> None:
        guard = self._guard
        scoped = f"{client_id}\x00{key}"
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(guard.local.hold(scoped))
            if guard.redis_lock is not None:
                try:
                    held = await stack.enter_async_context(
                        guard.redis_lock.hold(scoped, wait_seconds=guard.wait_seconds)
                    )
                except (RedisError, OSError) as error:
                    # Fail closed: without the shared lock two processes could both write.
                    log.warning("idempotency_lock_unavailable", error_type=type(error).__name__)
                    await send_error(
                        scope,
                        send,
                        503,
                        "gateway.idempotency_unavailable",
                        "writes are paused while the idempotency lock store is unreachable; "
                        "retry after the Retry-After delay with the same Idempotency-Key",
                        headers=[(b"retry-after", b"5")],
                    )
                    return
                if not held:
                    await _in_progress(scope, send)
                    return
            now = utc_now()
            existing = await guard.records.claim(
                client_id,
                key,
                digest,
                now=now,
                expires_at=now + guard.ttl,
                stale_before=now - guard.stale_claim,
            )
            if existing is not None and existing.state != COMPLETED:
                existing = await self._wait_for(client_id, key) or existing
            if existing is None:
                await self._execute(scope, receive, send, client_id, key, body)
            elif existing.fingerprint != digest:
                await send_error(
                    scope,
                    send,
                    422,
                    "gateway.idempotency_key_reused",
                    "this Idempotency-Key was used for a different request: "
                    "use a new key for a new request",
                )
            elif existing.state == COMPLETED:
                await _replay(send, existing)
            else:
                await _in_progress(scope, send)

    async def _wait_for(self, client_id: str, key: str) -> StoredResponse | None:
        deadline = time.monotonic() + self._guard.wait_seconds
        while time.monotonic() < deadline:
            await asyncio.sleep(_POLL_SECONDS)
            record = await self._guard.records.get(client_id, key)
            if record is None or record.state == COMPLETED:
                return record
        return None

    async def _execute(  # noqa: PLR0917 - the ASGI triple plus the request's identity
        self, scope: Scope, receive: Receive, send: Send, client_id: str, key: str, body: bytes
    ) -> None:
        guard = self._guard
        guard.executions += 1
        status = 0
        headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []
        delivered = False

        async def replay_body() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for name, value in message.get("headers", []):
                    text = name.decode("latin-1").lower()
                    if text in _KEPT_HEADERS:
                        headers.append((text, value.decode("latin-1")))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        except BaseException:
            await guard.records.release(client_id, key)
            raise
        if 0 < status < 500 and status not in _NOT_STORED:
            await guard.records.complete(
                client_id, key, status=status, headers=headers, body=b"".join(chunks)
            )
        else:
            await guard.records.release(client_id, key)


async def _replay(send: Send, stored: StoredResponse) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in stored.headers]
    headers += [(b"content-length", str(len(stored.body)).encode()), (REPLAYED_HEADER, b"true")]
    await send({"type": "http.response.start", "status": stored.status or 200, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body})


async def _in_progress(scope: Scope, send: Send) -> None:
    await send_error(
        scope,
        send,
        409,
        "gateway.idempotency_in_progress",
        "a request with this Idempotency-Key is still being processed: retry shortly",
        headers=[(b"retry-after", b"1")],
    )


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope["headers"]:
        if name == wanted:
            return str(value.decode("latin-1")).strip()
    return None
