"""Private keys are sealed with AES-GCM and open only with the same secret."""

from __future__ import annotations

import pytest

from healthbridge.core.errors import ConfigError
from healthbridge.security.client_secrets import hash_secret, new_secret, secret_matches
from healthbridge.security.sealing import KeySealer


def test_a_sealed_key_opens_with_its_secret_only():
    sealed = KeySealer("secret-one").seal('{"d":"private"}')

    assert sealed.startswith("aesgcm:")
    assert "private" not in sealed
    assert KeySealer("secret-one").open(sealed) == '{"d":"private"}'
    with pytest.raises(ConfigError):
        KeySealer("secret-two").open(sealed)
    with pytest.raises(ConfigError):
        KeySealer(None).open(sealed)


def test_without_a_secret_keys_are_kept_in_clear():
    assert KeySealer(None).seal("plain") == "plain"
    assert KeySealer("any").open("plain") == "plain"


def test_client_secrets_are_random_and_only_their_argon2id_hash_matches():
    secret = new_secret()
    stored = hash_secret(secret)

    assert stored.startswith("$argon2id$")
    assert secret not in stored
    assert secret_matches(secret, stored)
    assert not secret_matches(new_secret(), stored)
    assert not secret_matches(secret, "not-a-hash")
