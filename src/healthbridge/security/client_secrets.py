"""Client secrets: generated once, shown once, kept only as argon2id hashes.

The parameters are OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane) rather than
RFC 9106's 64 MiB profile: these secrets are 256 random bits, not passwords, so no
dictionary attack applies and the hash only has to make a stolen table useless, which
any argon2id setting does. The check is paid once per token request, never per API
call (API calls carry a verified JWT instead).
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SECRET_PREFIX = "hbs_"  # noqa: S105 - a prefix, not a secret
"""Lets secret scanners and people recognise a Healthbridge client secret."""

_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


def new_secret() -> str:
    """A fresh random client secret (256 bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The argon2id hash to store for ``secret``."""
    return _hasher.hash(secret)


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Whether ``secret`` hashes to ``stored_hash``; False for a malformed hash."""
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False
