"""The gateway's runtime: key ring, token issuer and verifier, clients, quotas,
idempotency and audit, built from ``Settings`` on a store engine.

``open_gateway(settings, engine)`` builds it (creating the first signing key when the
store has none) and closes what it opened; ``create_app`` starts and stops its
background tasks in the app's lifespan. Entry points call it next to ``open_hub``:
``bootstrap`` sits below the gateway layer and cannot name these types.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.sections.gateway import GatewaySettings
from healthbridge.core.settings import Settings
from healthbridge.gateway.audit import AuditTrail
from healthbridge.gateway.authentication import EnabledClients
from healthbridge.gateway.idempotency import IdempotencyGuard
from healthbridge.gateway.keyring import KeyRingKeeper
from healthbridge.gateway.locks import RedisKeyLock
from healthbridge.security.external_idp import ExternalJwks
from healthbridge.security.keys import KeyRing
from healthbridge.security.quotas import Quotas
from healthbridge.security.sealing import KeySealer
from healthbridge.security.tokens import TokenIssuer, TokenPolicy, TokenVerifier
from healthbridge.store.audit_log import AuditLog
from healthbridge.store.clients import ClientRegistry
from healthbridge.store.idempotency import IdempotencyRecords
from healthbridge.store.signing_keys import SigningKeyStore

log = structlog.get_logger(__name__)

_PURGE_SECONDS = 300.0


@dataclass
class GatewayRuntime:
    """Everything the gateway pipeline and its identity routes use."""

    settings: GatewaySettings
    environment: str
    keeper: KeyRingKeeper
    issuer: TokenIssuer
    verifier: TokenVerifier
    clients: ClientRegistry
    enabled_clients: EnabledClients
    quotas: Quotas
    idempotency: IdempotencyGuard
    audit: AuditTrail
    external_jwks: ExternalJwks | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def ring(self) -> KeyRing:
        """The signing keys of this process."""
        return self.keeper.ring

    def jwks(self) -> dict[str, Any]:
        """The public JWK Set of the keys that verify now."""
        return self.ring.jwks(datetime.now(UTC))

    async def start(self) -> None:
        """Start the audit writer and the periodic key refresh and record purge."""
        self.audit.start()
        self._tasks = [
            asyncio.create_task(self._every(self.settings.key_refresh_seconds, self._keys)),
            asyncio.create_task(self._every(_PURGE_SECONDS, self._purge)),
        ]

    async def stop(self) -> None:
        """Stop the background tasks, writing every queued audit entry first."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self.audit.stop()

    async def _keys(self) -> None:
        await self.keeper.ensure_current()

    async def _purge(self) -> None:
        await self.idempotency.records.purge_expired(datetime.now(UTC))

    @staticmethod
    async def _every(seconds: float, job: Any) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await job()
            except Exception as error:  # a periodic job retries next round
                log.warning("gateway_background_job_failed", error_type=type(error).__name__)


def build_runtime(
    settings: Settings,
    engine: AsyncEngine,
    *,
    quota_storage: Storage | None = None,
    redis: Redis | None = None,
) -> GatewayRuntime:
    """A runtime on ``engine``; call ``keeper.ensure_current()`` before issuing tokens."""
    options = settings.gateway
    secret = options.key_encryption_secret
    sealer = KeySealer(secret.get_secret_value() if secret else None)
    keeper = KeyRingKeeper(
        KeyRing(),
        SigningKeyStore(engine, sealer),
        rotation_age=timedelta(days=options.key_rotation_days),
        overlap=timedelta(seconds=max(options.key_overlap_seconds, options.token_ttl_seconds)),
    )
    policy = TokenPolicy(
        issuer=options.issuer,
        audience=options.audience,
        environment=settings.environment,
        ttl_seconds=options.token_ttl_seconds,
        leeway_seconds=options.leeway_seconds,
    )
    external = (
        ExternalJwks(options.external_jwks_url, cache_seconds=options.external_jwks_cache_seconds)
        if options.external_jwks_url and options.external_issuer
        else None
    )
    verifier = TokenVerifier(
        keeper.ring,
        policy,
        refresh_ring=keeper.refresh_soon,
        external=external,
        external_issuer=options.external_issuer,
        external_audience=options.external_audience,
        external_algorithms=options.external_algorithms,
        external_environment=options.external_environment,
    )
    clients = ClientRegistry(engine)
    guard = IdempotencyGuard(
        IdempotencyRecords(engine),
        ttl_seconds=options.idempotency_ttl_seconds,
        wait_seconds=options.idempotency_wait_seconds,
        max_body_bytes=options.idempotency_max_body_bytes,
        stale_claim_seconds=options.idempotency_claim_timeout_seconds,
        redis_lock=RedisKeyLock(redis) if redis is not None else None,
    )
    return GatewayRuntime(
        settings=options,
        environment=settings.environment,
        keeper=keeper,
        issuer=TokenIssuer(keeper.ring, policy),
        verifier=verifier,
        clients=clients,
        enabled_clients=EnabledClients(clients.enabled_ids, options.client_cache_seconds),
        quotas=Quotas(
            quota_storage or MemoryStorage(), options.quota_default, options.quota_overrides
        ),
        idempotency=guard,
        audit=AuditTrail(
            AuditLog(engine),
            queue_size=options.audit_queue_size,
            batch_size=options.audit_batch_size,
            flush_seconds=options.audit_flush_seconds,
        ),
        external_jwks=external,
    )


@asynccontextmanager
async def open_gateway(settings: Settings, engine: AsyncEngine) -> AsyncIterator[GatewayRuntime]:
    """The gateway runtime for ``settings`` on a migrated store ``engine``, closed on exit.

    With ``gateway.redis_url`` quotas and idempotency locks live in Redis, shared by
    every gateway process; without it they are in process.
    """
    options = settings.gateway
    async with AsyncExitStack() as stack:
        redis: Redis | None = None
        storage: Storage = MemoryStorage()
        if options.redis_url:
            redis = Redis.from_url(options.redis_url)
            stack.push_async_callback(redis.aclose)
            storage = RedisStorage("async+" + options.redis_url, implementation="redispy")
        runtime = build_runtime(settings, engine, quota_storage=storage, redis=redis)
        if runtime.external_jwks is not None:
            stack.push_async_callback(runtime.external_jwks.close)
        if options.key_encryption_secret is None:
            log.warning(
                "gateway_signing_keys_unsealed",
                hint="set HEALTHBRIDGE_GATEWAY__KEY_ENCRYPTION_SECRET to encrypt them at rest",
            )
        await runtime.keeper.ensure_current()
        await runtime.enabled_clients.refresh()
        yield runtime
