"""Field-level encryption: one value sealed with AES-256-GCM under a named key.

A sealed value is a short string, ``hbenc:v1:<key id>:<base64url(nonce | ciphertext)>``,
so it fits where the plain value stood in a JSON document and says which key opens it.
Keys are rotated by adding a new key id and making it active: values sealed under the
old id still open for as long as that key stays configured.

The caller passes *associated data* (an event id and a field name, say) that is
authenticated but not stored: a sealed value copied into another event or field fails
to open instead of silently moving PHI where it does not belong.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr

from healthbridge.core.errors import ConfigError, HealthbridgeError

PREFIX: Final = "hbenc:v1:"
NONCE_BYTES: Final = 12
KEY_BYTES: Final = 32
KEY_ID_PATTERN: Final = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class FieldEncryptionError(HealthbridgeError):
    """A sealed value cannot be opened: unknown key id, tampered, or not a sealed value."""

    code = "security.field_encryption"


def is_sealed(value: object) -> bool:
    """Whether ``value`` looks like a value sealed by :class:`FieldCipher`."""
    return isinstance(value, str) and value.startswith(PREFIX)


def new_key() -> str:
    """A fresh random AES-256 key, base64-encoded as the settings expect it."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


class FieldCipher:
    """Seals and opens single values; holds every configured key, seals with the active one."""

    def __init__(self, keys: Mapping[str, bytes], *, active_key_id: str | None) -> None:
        for key_id, key in keys.items():
            if not KEY_ID_PATTERN.match(key_id):
                raise ConfigError(
                    "an encryption key id must be 1-32 letters, digits, '_' or '-'",
                    details={"key": "events.encryption_keys"},
                )
            if len(key) != KEY_BYTES:
                raise ConfigError(
                    f"encryption key {key_id!r} must be {KEY_BYTES} bytes (base64 of 32 "
                    "random bytes)",
                    details={"key": "events.encryption_keys"},
                )
        if active_key_id is not None and active_key_id not in keys:
            raise ConfigError(
                "the active encryption key id is not among the configured keys",
                details={"key": "events.encryption_key_id"},
            )
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.active_key_id = active_key_id

    @classmethod
    def from_secrets(
        cls, keys: Mapping[str, SecretStr], *, active_key_id: str | None
    ) -> FieldCipher:
        """A cipher from base64 keys as configuration holds them."""
        decoded: dict[str, bytes] = {}
        for key_id, secret in keys.items():
            try:
                decoded[key_id] = base64.b64decode(secret.get_secret_value(), validate=True)
            except (binascii.Error, ValueError):
                raise ConfigError(
                    f"encryption key {key_id!r} is not valid base64",
                    details={"key": "events.encryption_keys"},
                ) from None
        return cls(decoded, active_key_id=active_key_id)

    @property
    def can_seal(self) -> bool:
        """Whether an active key is configured, so new values can be sealed."""
        return self.active_key_id is not None

    def seal(self, plaintext: bytes, *, associated_data: bytes) -> str:
        """``plaintext`` sealed under the active key, bound to ``associated_data``."""
        if self.active_key_id is None:
            raise ConfigError(
                "a phi field must be encrypted but no encryption key is configured: set "
                "HEALTHBRIDGE_EVENTS__ENCRYPTION_KEYS (and events.encryption_key_id)",
                details={"key": "events.encryption_keys"},
            )
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.active_key_id].encrypt(nonce, plaintext, associated_data)
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"{PREFIX}{self.active_key_id}:{body}"

    def open(self, token: str, *, associated_data: bytes) -> bytes:
        """The plaintext of ``token``; raises ``FieldEncryptionError`` if it cannot be opened."""
        key_id, raw = self._parse(token)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise FieldEncryptionError(
                "the value was sealed with a key that is not configured",
                details={"key_id": key_id},
            )
        try:
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data)
        except InvalidTag:
            raise FieldEncryptionError(
                "the sealed value was altered or belongs to another record or field",
                details={"key_id": key_id},
            ) from None

    @staticmethod
    def key_id_of(token: str) -> str:
        """The key id a sealed value names."""
        return FieldCipher._parse(token)[0]

    @staticmethod
    def _parse(token: str) -> tuple[str, bytes]:
        if not is_sealed(token):
            raise FieldEncryptionError("not a sealed value")
        key_id, _, body = token[len(PREFIX) :].partition(":")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError):
            raise FieldEncryptionError("the sealed value is not valid base64") from None
        if not KEY_ID_PATTERN.match(key_id) or len(raw) <= NONCE_BYTES:
            raise FieldEncryptionError("the sealed value is malformed")
        return key_id, raw
