"""Standard Webhooks signatures: ``v1,`` + base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}``.

Secrets are ``whsec_`` followed by the base64 of the key bytes. During a rotation a message
carries one signature per live secret, separated by spaces, so a receiver holding either
secret accepts it. Comparison is constant-time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as random_secrets
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"  # noqa: S105 - the scheme's prefix, not a secret
SIGNATURE_VERSION = "v1"
_KEY_BYTES = 32


def generate_secret() -> str:
    """A new random ``whsec_`` secret holding 32 key bytes."""
    key = random_secrets.token_bytes(_KEY_BYTES)
    return SECRET_PREFIX + base64.b64encode(key).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The key bytes of a ``whsec_`` secret; ValueError (without the secret) when malformed."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a webhook secret must be whsec_ followed by base64") from None
    if len(key) < 24 or len(key) > 64:
        raise ValueError("a webhook secret must hold between 24 and 64 key bytes")
    return key


def sign(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,<base64>`` signature of one message with one key."""
    content = b"%s.%d.%s" % (message_id.encode("utf-8"), timestamp, body)
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def signature_header(keys: Iterable[bytes], message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: one signature per key, space-separated."""
    return " ".join(sign(key, message_id, timestamp, body) for key in keys)


def signature_matches(
    keys: Iterable[bytes], message_id: str, timestamp: int, body: bytes, header: str
) -> bool:
    """True when any ``v1`` signature in ``header`` was made with any of ``keys``."""
    offered = [
        part.split(",", 1)[1].encode("ascii", "replace")
        for part in header.split()
        if part.startswith(SIGNATURE_VERSION + ",")
    ]
    for key in keys:
        expected = sign(key, message_id, timestamp, body).split(",", 1)[1].encode("ascii")
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return True
    return False
