"""Registered machine identities (clients) as the security layer sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Environment = Literal["dev", "test", "prod"]
ENVIRONMENTS: tuple[Environment, ...] = ("dev", "test", "prod")


@dataclass(frozen=True, slots=True)
class RegisteredClient:
    """One integration allowed to obtain tokens; its secret is known only as hashes."""

    client_id: str
    name: str
    scopes: frozenset[str]
    environment: str
    purpose: str | None
    enabled: bool
    secret_hash: str
    previous_secret_hash: str | None
    previous_secret_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime

    def secret_hashes(self, now: datetime) -> tuple[str, ...]:
        """The hashes a presented secret may match at ``now`` (current, then overlap)."""
        if self.previous_secret_hash and (
            self.previous_secret_expires_at is None or now < self.previous_secret_expires_at
        ):
            return (self.secret_hash, self.previous_secret_hash)
        return (self.secret_hash,)
