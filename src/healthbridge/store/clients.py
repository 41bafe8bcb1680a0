"""The client registry: machine identities that may obtain access tokens.

Secrets are generated here, returned once to the caller that registered or rotated
them, and stored only as argon2id hashes. Hashing and checking run in a worker thread:
argon2 takes tens of milliseconds of CPU on purpose and must not stall the event loop.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.core.clock import utc_now
from healthbridge.core.errors import ConflictError, InvalidRequestError, NotFoundError
from healthbridge.security.client_secrets import hash_secret, new_secret, secret_matches
from healthbridge.security.identities import ENVIRONMENTS, RegisteredClient
from healthbridge.store.security_schema import gateway_clients

_CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
_SCOPE = re.compile(r"^[\x21\x23-\x5B\x5D-\x7E]+$")
"""RFC 6749 section 3.3 scope-token characters."""


class ClientRegistry:
    """The ``gateway_clients`` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(
        self,
        name: str,
        *,
        scopes: Iterable[str],
        environment: str,
        purpose: str | None = None,
        client_id: str | None = None,
    ) -> tuple[RegisteredClient, str]:
        """Register a client; returns it and its secret, which is never shown again."""
        client_id = client_id or f"hbc_{secrets.token_hex(8)}"
        scope_set = frozenset(scopes)
        _check(client_id, scope_set, environment)
        secret = new_secret()
        hashed = await asyncio.to_thread(hash_secret, secret)
        now = utc_now()
        values = {
            "client_id": client_id,
            "name": name,
            "scopes": sorted(scope_set),
            "environment": environment,
            "purpose": purpose,
            "enabled": True,
            "secret_hash": hashed,
            "previous_secret_hash": None,
            "previous_secret_expires_at": None,
            "created_at": now,
            "updated_at": now,
        }
        try:
            async with self._engine.begin() as connection:
                await connection.execute(gateway_clients.insert().values(**values))
        except IntegrityError:
            raise ConflictError(
                f"a client with id {client_id} exists: choose another id or rotate its secret",
                details={"client_id": client_id},
            ) from None
        return _client(values), secret

    async def get(self, client_id: str) -> RegisteredClient | None:
        """The client with this id, or None."""
        query = select(gateway_clients).where(gateway_clients.c.client_id == client_id)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else _client(row._mapping)

    async def list(self) -> list[RegisteredClient]:
        """Every client, by id."""
        query = select(gateway_clients).order_by(gateway_clients.c.client_id)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_client(row._mapping) for row in rows]

    async def enabled_ids(self) -> frozenset[str]:
        """The ids of clients that are enabled (the gateway caches this briefly)."""
        query = select(gateway_clients.c.client_id).where(gateway_clients.c.enabled.is_(True))
        async with self._engine.connect() as connection:
            return frozenset(str(row[0]) for row in (await connection.execute(query)).all())

    async def authenticate(self, client_id: str, secret: str) -> RegisteredClient | None:
        """The enabled client whose current (or overlapping previous) secret is ``secret``."""
        client = await self.get(client_id)
        if client is None:
            # Hash anyway, so response time does not reveal which ids exist.
            await asyncio.to_thread(secret_matches, secret, _DUMMY_HASH)
            return None
        for stored in client.secret_hashes(utc_now()):
            if await asyncio.to_thread(secret_matches, secret, stored):
                return client if client.enabled else None
        return None

    async def rotate_secret(self, client_id: str, *, overlap: timedelta | None = None) -> str:
        """A new secret for ``client_id``; the old one keeps working for ``overlap``."""
        client = await self._require(client_id)
        secret = new_secret()
        hashed = await asyncio.to_thread(hash_secret, secret)
        now = utc_now()
        keep = overlap is not None and overlap.total_seconds() > 0
        values: dict[str, Any] = {
            "secret_hash": hashed,
            "previous_secret_hash": client.secret_hash if keep else None,
            "previous_secret_expires_at": now + overlap if keep and overlap else None,
            "updated_at": now,
        }
        await self._update(client_id, values)
        return secret

    async def set_enabled(self, client_id: str, enabled: bool) -> RegisteredClient:
        """Enable or disable a client; a disabled client's tokens are refused within seconds."""
        await self._require(client_id)
        await self._update(client_id, {"enabled": enabled, "updated_at": utc_now()})
        return await self._require(client_id)

    async def _require(self, client_id: str) -> RegisteredClient:
        client = await self.get(client_id)
        if client is None:
            raise NotFoundError(
                f"no client {client_id}: `healthbridge clients list` shows the registered ones",
                details={"client_id": client_id},
            )
        return client

    async def _update(self, client_id: str, values: dict[str, Any]) -> None:
        statement = (
            update(gateway_clients).where(gateway_clients.c.client_id == client_id).values(**values)
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)


_DUMMY_HASH = hash_secret("healthbridge-no-such-client")


def _check(client_id: str, scopes: frozenset[str], environment: str) -> None:
    if not _CLIENT_ID.match(client_id):
        raise InvalidRequestError(
            "a client id is 1-64 letters, digits, '_', '.', ':' or '-'",
            details={"field": "client_id"},
        )
    if environment not in ENVIRONMENTS:
        raise InvalidRequestError(
            f"environment must be one of {', '.join(ENVIRONMENTS)}",
            details={"field": "environment"},
        )
    bad = sorted(scope for scope in scopes if not _SCOPE.match(scope))
    if bad:
        raise InvalidRequestError(
            "scopes are space-free tokens like inventory.read or system/Patient.rs",
            details={"field": "scopes"},
        )


def _client(row: Any) -> RegisteredClient:
    return RegisteredClient(
        client_id=row["client_id"],
        name=row["name"],
        scopes=frozenset(row["scopes"]),
        environment=row["environment"],
        purpose=row["purpose"],
        enabled=bool(row["enabled"]),
        secret_hash=row["secret_hash"],
        previous_secret_hash=row["previous_secret_hash"],
        previous_secret_expires_at=row["previous_secret_expires_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
