"""Private signing keys at rest: sealed with AES-256-GCM under a configured secret.

Several gateway processes must verify the same tokens, so the key ring lives in the
shared store; a database dump must not hand out the power to mint tokens, so the private
half is sealed when ``gateway.key_encryption_secret`` is set. The AES key is derived from
the secret with HKDF-SHA256, so any secret length works.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from healthbridge.core.errors import ConfigError

SEALED_PREFIX = "aesgcm:"
"""Marks a sealed value; anything else is a key stored in clear."""

_NONCE_BYTES = 12


class KeySealer:
    """Seals and opens private key documents; ``None`` secret means stored in clear."""

    def __init__(self, secret: str | None) -> None:
        self._aead = AESGCM(_derive(secret)) if secret else None

    @property
    def seals(self) -> bool:
        """Whether new keys are stored encrypted."""
        return self._aead is not None

    def seal(self, plaintext: str) -> str:
        """``plaintext`` sealed (or returned as it is when no secret is configured)."""
        if self._aead is None:
            return plaintext
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), b"healthbridge-signing-key")
        return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, stored: str) -> str:
        """The plaintext of ``stored``; ConfigError when it cannot be opened with our secret."""
        if not stored.startswith(SEALED_PREFIX):
            return stored
        if self._aead is None:
            raise ConfigError(
                "the store holds encrypted signing keys: set gateway.key_encryption_secret "
                "(HEALTHBRIDGE_GATEWAY__KEY_ENCRYPTION_SECRET) to the secret that sealed them",
                details={"key": "gateway.key_encryption_secret"},
            )
        raw = base64.urlsafe_b64decode(stored[len(SEALED_PREFIX) :])
        try:
            opened = self._aead.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], b"healthbridge-signing-key"
            )
        except InvalidTag:
            raise ConfigError(
                "a signing key in the store does not open with gateway.key_encryption_secret: "
                "set the secret that sealed it",
                details={"key": "gateway.key_encryption_secret"},
            ) from None
        return opened.decode()


def _derive(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"healthbridge-key-sealing")
    return hkdf.derive(secret.encode())
