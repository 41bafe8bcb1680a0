"""Webhook tables on the store's shared ``MetaData``: endpoints, deliveries, attempts.

A delivery is one (endpoint, event) pair and is unique on it, so an event accepted twice
(a redelivered NATS message) never makes a second delivery. Every HTTP attempt is a row
of its own, the delivery log an operator reads. Kill switches and owner notifications are
small tables so that every process of the hub sees the same operator decisions.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from healthbridge.store.schema import Identifier, JSONDocument, UTCDateTime, metadata

DELIVERY_STATES = ("pending", "delivering", "delivered", "failed", "expired")
"""pending: due at ``next_attempt_at``; delivering: leased by a worker; delivered; failed:
retries exhausted (dead); expired: held too long behind a pause or kill switch."""

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("consumer", String(128), nullable=False),
    Column("url", Text, nullable=False),
    Column("event_types", JSONDocument, nullable=False),
    Column("secret", String(128), nullable=False),
    Column("previous_secret", String(128), nullable=True),
    Column("previous_secret_expires_at", UTCDateTime, nullable=True),
    Column("enabled", Boolean, nullable=False),
    Column("paused", Boolean, nullable=False),
    Column("payload", String(8), nullable=False),
    Column("full_payload_allowed", Boolean, nullable=False),
    Column("ordering", String(16), nullable=False),
    Column("owner_contact", String(320), nullable=True),
    Column("description", String(500), nullable=True),
    Column("failing_since", UTCDateTime, nullable=True),
    Column("disabled_reason", String(64), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_webhook_endpoints_consumer", "consumer"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column(
        "endpoint_id",
        String(36),
        ForeignKey("webhook_endpoints.id", name="fk_webhook_deliveries_endpoint_id"),
        nullable=False,
    ),
    # The CloudEvent id; also the ``webhook-id`` header, the same on every attempt.
    Column("event_id", String(255), nullable=False),
    Column("event_type", String(255), nullable=False),
    Column("subject", String(512), nullable=True),
    # None: no ordering; the subject (per entity) or "" (per endpoint) serialises deliveries.
    Column("ordering_key", String(512), nullable=True),
    Column("body", Text, nullable=False),
    Column("traceparent", String(64), nullable=True),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    # Position in the retry schedule; a manual retry starts the schedule again.
    Column("schedule_index", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_attempt_at", UTCDateTime, nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_error", String(64), nullable=True),
    UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_deliveries_endpoint_event"),
    Index("ix_webhook_deliveries_state_due", "state", "next_attempt_at"),
    Index("ix_webhook_deliveries_order", "endpoint_id", "ordering_key", "id"),
    Index("ix_webhook_deliveries_created", "created_at"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column(
        "delivery_id",
        Identifier,
        ForeignKey("webhook_deliveries.id", name="fk_webhook_attempts_delivery_id"),
        nullable=False,
    ),
    Column("attempt", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("status_code", Integer, nullable=True),
    # None on success; else http_status, timeout, connection, circuit_open, ...
    Column("error_kind", String(32), nullable=True),
    Column("response_excerpt", Text, nullable=True),
    Column("worker", String(64), nullable=False),
    Index("ix_webhook_attempts_delivery", "delivery_id", "id"),
)

webhook_kill_switches = Table(
    "webhook_kill_switches",
    metadata,
    # global (target ""), consumer (target = consumer name) or endpoint (target = id).
    Column("scope", String(16), nullable=False),
    Column("target", String(128), nullable=False),
    Column("engaged_at", UTCDateTime, nullable=False),
    Column("reason", String(500), nullable=True),
    PrimaryKeyConstraint("scope", "target", name="pk_webhook_kill_switches"),
)

webhook_notifications = Table(
    "webhook_notifications",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("endpoint_id", String(36), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("owner_contact", String(320), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("details", JSONDocument, nullable=False),
    Index("ix_webhook_notifications_endpoint", "endpoint_id", "id"),
)
