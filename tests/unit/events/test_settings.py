"""The events settings: embedded defaults, checked overrides, keys from the environment only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from healthbridge.core.sections.events import EventsSettings, StreamSettings
from healthbridge.events import EventServerError, find_server_binary
from healthbridge.events.server import server_config


def test_the_defaults_run_embedded_with_every_write_synced():
    settings = EventsSettings()

    assert settings.url is None
    assert settings.sync_interval == "always"
    assert settings.stream_settings("billing").replicas == 1
    assert settings.duplicate_window_seconds == 3600
    assert settings.active_key_id() is None


def test_a_domain_override_applies_to_that_domain_only():
    settings = EventsSettings(streams={"hl7": StreamSettings(replicas=3, max_age_seconds=60)})

    assert settings.stream_settings("hl7").replicas == 3
    assert settings.stream_settings("billing").replicas == 1


def test_an_unknown_domain_is_refused_naming_the_known_ones():
    with pytest.raises(ValidationError, match="partners"):
        EventsSettings(streams={"pharmacy": StreamSettings()})


def test_the_active_key_must_be_configured():
    with pytest.raises(ValidationError, match="encryption_key_id"):
        EventsSettings(encryption_keys={"a": "x"}, encryption_key_id="b")


def test_an_external_url_must_be_nats():
    with pytest.raises(ValidationError):
        EventsSettings(url="http://127.0.0.1:4222")
    assert EventsSettings(url="nats://a:4222,nats://b:4222").url


def test_the_embedded_server_config_names_its_store_and_sync_policy(tmp_path: Path):
    config = json.loads(server_config(tmp_path / "js", tmp_path, sync_interval="always", name="hb"))

    assert config["jetstream"] == {"store_dir": str(tmp_path / "js"), "sync_interval": "always"}
    assert config["listen"] == "127.0.0.1:-1"
    default = json.loads(server_config(tmp_path, tmp_path, sync_interval="default", name="hb"))
    assert "sync_interval" not in default["jetstream"]


def test_a_configured_binary_that_does_not_exist_is_a_clear_error(tmp_path: Path):
    with pytest.raises(EventServerError) as caught:
        find_server_binary(tmp_path / "nats-server")

    assert "events.server_binary" in caught.value.safe_message
