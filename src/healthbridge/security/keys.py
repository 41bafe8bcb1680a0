"""The signing key ring: the newest key signs, older keys verify until they retire.

Rotation adds a key and gives every older active key a retirement time (now + overlap):
tokens the old key signed keep verifying until they have expired, then the old key
stops verifying. Every gateway process holds the same ring (loaded from the store), so a
token issued by one process verifies in all of them.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from joserfc.jwk import ECKey, KeySet

ALGORITHM = "ES256"
CURVE = "P-256"


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One ES256 key pair of the ring; ``retires_at`` None means it is still current."""

    kid: str
    private: ECKey
    created_at: datetime
    retires_at: datetime | None = None

    def verifies_at(self, now: datetime) -> bool:
        """Whether tokens this key signed are still accepted at ``now``."""
        return self.retires_at is None or now < self.retires_at

    def private_json(self) -> str:
        """The private JWK as JSON (seal it before it goes anywhere)."""
        return json.dumps(self.private.as_dict(private=True), sort_keys=True)

    def public_jwk(self) -> dict[str, Any]:
        """The public JWK published at ``/.well-known/jwks.json``."""
        return dict(self.private.as_dict(private=False))


def generate_key(created_at: datetime) -> SigningKey:
    """A fresh P-256 key with a random, non-guessable ``kid``."""
    kid = f"hb-{created_at:%Y%m%d}-{secrets.token_hex(4)}"
    key = ECKey.generate_key(CURVE, {"kid": kid, "use": "sig", "alg": ALGORITHM}, private=True)
    return SigningKey(kid, key, created_at)


def load_key(
    kid: str, private_json: str, created_at: datetime, retires_at: datetime | None
) -> SigningKey:
    """A ``SigningKey`` from its stored private JWK."""
    return SigningKey(kid, ECKey.import_key(json.loads(private_json)), created_at, retires_at)


class KeyRing:
    """The keys of one gateway process; replaced whole when the store changes."""

    def __init__(self, keys: Iterable[SigningKey] = ()) -> None:
        self._keys: tuple[SigningKey, ...] = ()
        self._verify_set = KeySet([])
        self.generation = 0
        """Bumped at every replacement, so caches of verified tokens know to drop."""
        self.replace(keys)

    def replace(self, keys: Iterable[SigningKey]) -> None:
        """Use ``keys`` from now on (newest ``created_at`` last)."""
        self._keys = tuple(sorted(keys, key=lambda k: (k.created_at, k.kid)))
        self._verify_set = KeySet([_public(k) for k in self._keys])
        self.generation += 1

    @property
    def keys(self) -> tuple[SigningKey, ...]:
        """Every key, oldest first, retired ones included."""
        return self._keys

    def current(self) -> SigningKey | None:
        """The key that signs new tokens: the newest one not retired."""
        active = [key for key in self._keys if key.retires_at is None]
        return active[-1] if active else None

    def verification_set(self, now: datetime) -> KeySet:
        """Public keys that verify at ``now`` (retired ones are dropped)."""
        if all(key.verifies_at(now) for key in self._keys):
            return self._verify_set
        return KeySet([_public(k) for k in self._keys if k.verifies_at(now)])

    def knows(self, kid: str) -> bool:
        """Whether any key of the ring (even a retired one) has this id."""
        return any(key.kid == kid for key in self._keys)

    def jwks(self, now: datetime) -> dict[str, Any]:
        """The JWK Set document of the keys that verify at ``now``."""
        return {"keys": [k.public_jwk() for k in self._keys if k.verifies_at(now)]}


def _public(key: SigningKey) -> ECKey:
    return ECKey.import_key(key.public_jwk())
