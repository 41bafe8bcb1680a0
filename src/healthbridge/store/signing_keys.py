"""The shared key ring in the store, so every gateway process signs and verifies alike.

Keys are persisted rather than derived from configuration: rotation with overlap needs
the old keys next to the new one, and a process started after a rotation must learn
both. Private halves are sealed (``security.sealing``) when a key-encryption secret is
configured; without one they sit in the store in clear, and the runtime warns at start.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healthbridge.security.keys import ALGORITHM, SigningKey, load_key
from healthbridge.security.sealing import KeySealer
from healthbridge.store.security_schema import signing_keys

ROTATION_LOCK_KEY = 0x48425F4B455953  # "HB_KEYS": serialises rotations on PostgreSQL


class SigningKeyStore:
    """The ``signing_keys`` table, sealing private keys with ``sealer``."""

    def __init__(self, engine: AsyncEngine, sealer: KeySealer) -> None:
        self._engine = engine
        self._sealer = sealer

    async def load(self) -> list[SigningKey]:
        """Every stored key, oldest first."""
        query = select(signing_keys).order_by(signing_keys.c.created_at, signing_keys.c.kid)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [
            load_key(r.kid, self._sealer.open(r.private_jwk), r.created_at, r.retires_at)
            for r in rows
        ]

    async def add_current(self, key: SigningKey, retire_others_at: datetime) -> None:
        """Store ``key`` as the current key and retire every other active key at a time."""
        async with self._engine.begin() as connection:
            await self._make_current(connection, key, retire_others_at)

    async def add_current_unless_fresh(
        self, key: SigningKey, retire_others_at: datetime, fresh_after: datetime
    ) -> bool:
        """``add_current`` unless a current key made after ``fresh_after`` exists; whether added.

        One transaction, so gateway processes starting together agree on one key instead
        of each making its own (a token signed by one would then fail at the other until
        it re-read the ring).
        """
        async with self._engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROTATION_LOCK_KEY}
                )
            fresh = (
                await connection.execute(
                    select(signing_keys.c.kid).where(
                        signing_keys.c.retires_at.is_(None),
                        signing_keys.c.created_at > fresh_after,
                    )
                )
            ).first()
            if fresh is not None:
                return False
            await self._make_current(connection, key, retire_others_at)
        return True

    async def _make_current(
        self, connection: AsyncConnection, key: SigningKey, retire_others_at: datetime
    ) -> None:
        await connection.execute(
            update(signing_keys)
            .where(signing_keys.c.retires_at.is_(None))
            .values(retires_at=retire_others_at)
        )
        await connection.execute(
            signing_keys.insert().values(
                kid=key.kid,
                algorithm=ALGORITHM,
                private_jwk=self._sealer.seal(key.private_json()),
                created_at=key.created_at,
                retires_at=None,
            )
        )

    async def retire(self, kid: str, at: datetime) -> None:
        """Stop ``kid`` verifying from ``at`` (now, for a compromised key)."""
        async with self._engine.begin() as connection:
            await connection.execute(
                update(signing_keys).where(signing_keys.c.kid == kid).values(retires_at=at)
            )
