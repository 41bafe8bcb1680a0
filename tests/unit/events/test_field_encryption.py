"""PHI field encryption: AES-GCM under named keys, bound to its record and field."""

from __future__ import annotations

import base64

import pytest
from pydantic import SecretStr

from healthbridge.core.errors import ConfigError
from healthbridge.security.field_encryption import (
    FieldCipher,
    FieldEncryptionError,
    is_sealed,
    new_key,
)

KEY_A = b"a" * 32
KEY_B = b"b" * 32


def test_a_sealed_value_opens_with_the_same_associated_data():
    cipher = FieldCipher({"a": KEY_A}, active_key_id="a")

    token = cipher.seal(b'"MRN-1"', associated_data=b"event-1|patient")

    assert is_sealed(token)
    assert token.startswith("hbenc:v1:a:")
    assert b"MRN-1" not in token.encode()
    assert cipher.open(token, associated_data=b"event-1|patient") == b'"MRN-1"'


def test_a_sealed_value_moved_to_another_field_does_not_open():
    cipher = FieldCipher({"a": KEY_A}, active_key_id="a")
    token = cipher.seal(b"x", associated_data=b"event-1|patient")

    with pytest.raises(FieldEncryptionError) as caught:
        cipher.open(token, associated_data=b"event-2|patient")

    assert caught.value.code == "security.field_encryption"


def test_a_tampered_value_does_not_open():
    cipher = FieldCipher({"a": KEY_A}, active_key_id="a")
    token = cipher.seal(b"secret", associated_data=b"ad")
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]

    with pytest.raises(FieldEncryptionError):
        cipher.open(tampered, associated_data=b"ad")


def test_after_rotation_old_values_still_open_and_new_ones_use_the_new_key():
    old = FieldCipher({"a": KEY_A}, active_key_id="a").seal(b"v", associated_data=b"ad")
    rotated = FieldCipher({"a": KEY_A, "b": KEY_B}, active_key_id="b")

    assert rotated.open(old, associated_data=b"ad") == b"v"
    assert FieldCipher.key_id_of(rotated.seal(b"v", associated_data=b"ad")) == "b"


def test_a_value_sealed_under_a_removed_key_names_the_key_id():
    token = FieldCipher({"a": KEY_A}, active_key_id="a").seal(b"v", associated_data=b"ad")

    with pytest.raises(FieldEncryptionError) as caught:
        FieldCipher({"b": KEY_B}, active_key_id="b").open(token, associated_data=b"ad")

    assert caught.value.details == {"key_id": "a"}


def test_sealing_without_a_key_is_a_configuration_error_that_says_what_to_set():
    with pytest.raises(ConfigError) as caught:
        FieldCipher({}, active_key_id=None).seal(b"v", associated_data=b"ad")

    assert "HEALTHBRIDGE_EVENTS__ENCRYPTION_KEYS" in caught.value.safe_message


@pytest.mark.parametrize("key", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_bad_key_is_refused_at_start_up(key):
    with pytest.raises(ConfigError):
        FieldCipher.from_secrets({"a": SecretStr(key)}, active_key_id="a")


def test_a_generated_key_is_accepted():
    cipher = FieldCipher.from_secrets({"k": SecretStr(new_key())}, active_key_id="k")

    assert cipher.can_seal
